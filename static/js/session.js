// The session on a signed-in page: a warning a few minutes before it ends, with a button to stay
// signed in (WCAG 2.2.1), and word when it has ended. The dialog and its texts are in
// templates/base.html; the server says how long the session has left (handlingskraft/views.py).
//
// Contract with other scripts, by events on `document`:
// - in:  `session:activity` after a request the server answered while signed in (the idle
//        count starts again then), e.g. from the questionnaire's autosave;
// - out: `session:extended` after the person chose to stay signed in, `session:ended` once the
//        session has run out.
//
// It also fills in a form that was posted after the session ended and kept by the server
// (handlingskraft/middleware.py), once the person has signed in and is back on the page.

// Restoring a kept form --------------------------------------------------------------------------

// The form is filled in here rather than on the server, so that every form page gets it without
// its view knowing, and the page keeps showing what is saved now everywhere the person did not
// type. Nothing is saved and no input event is sent: the person checks the page and saves.
const NOT_FILLED = new Set(["submit", "button", "reset", "image", "file", "password"]);

function fillForm(form, fields) {
  const seen = {};
  for (const element of form.elements) {
    const name = element.name;
    if (!name || element.disabled || NOT_FILLED.has(element.type)) continue;
    if (name === "csrfmiddlewaretoken") continue;
    // What was not ticked or chosen is not posted at all.
    const values = fields[name] || [];
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = values.includes(element.value);
    } else if (element.type === "select-multiple") {
      for (const option of element.options) option.selected = values.includes(option.value);
    } else if (name in fields) {
      const index = seen[name] || 0;
      seen[name] = index + 1;
      element.value = values[index] ?? "";
    }
  }
}

function withoutHash(address) {
  const url = new URL(address, document.baseURI);
  url.hash = "";
  return url.href;
}

function restoreKeptForm() {
  const data = document.getElementById("restored-form");
  const notice = document.getElementById("restored-form-notice");
  if (!data || !notice) return;
  const fields = JSON.parse(data.textContent);
  const names = Object.keys(fields);
  // The page posted to itself; of its forms that do, the one with the most of the fields.
  const page = withoutHash(location.href);
  let best = null;
  let bestCount = 0;
  for (const form of document.querySelectorAll("main form")) {
    // Attributes, not form.action: a field named "action" hides that property.
    const action = form.getAttribute("action") || location.href;
    if (form.getAttribute("method")?.toLowerCase() !== "post" || withoutHash(action) !== page) {
      continue;
    }
    const count = names.filter((name) => form.elements.namedItem(name)).length;
    if (count > bestCount) [best, bestCount] = [form, count];
  }
  if (!best) return;
  fillForm(best, fields);
  best.before(notice);
  notice.hidden = false;
  notice.focus();
  best.dispatchEvent(new CustomEvent("session:restored", { bubbles: true }));
}

restoreKeptForm();

// The warning --------------------------------------------------------------------------------

const dialog = document.getElementById("session-dialog");

if (dialog) {
  const seconds = (name) => Number(dialog.dataset[name]) * 1000;
  const idleLimit = seconds("idleLimit");
  const warning = seconds("warning");
  let idleEnd = Date.now() + seconds("idleLeft");
  let absoluteEnd = Date.now() + seconds("absoluteLeft");
  let shown = null; // the state the dialog was last opened in: idle, limit, ended
  let timer = null;
  const clock = new Intl.DateTimeFormat(document.documentElement.lang || "sv", {
    hour: "2-digit",
    minute: "2-digit",
  });

  const sessionEnd = () => Math.min(idleEnd, absoluteEnd);

  function checkAt(time) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, time - Date.now()));
  }

  function token() {
    return dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  // The session's state according to the server: null once it has ended.
  async function ask(method) {
    const headers = { Accept: "application/json" };
    if (method === "POST") headers["X-CSRFToken"] = token();
    const response = await fetch(dialog.dataset.url, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(`session status ${response.status}`);
    const status = await response.json();
    // Another tab signed in as somebody else: this page is not theirs to save.
    return status.owner === dialog.dataset.owner ? status : null;
  }

  function update(status) {
    idleEnd = Date.now() + status.idle * 1000;
    absoluteEnd = Date.now() + status.absolute * 1000;
    // Signing in again (in another tab) gave the browser a new CSRF token; the forms on this
    // page would be refused with the old one.
    for (const input of document.querySelectorAll("input[name=csrfmiddlewaretoken]")) {
      input.value = status.csrf_token;
    }
  }

  function show(state) {
    const wasEnded = shown === "ended";
    shown = state;
    for (const part of dialog.querySelectorAll("[data-session-state]")) {
      part.hidden = part.dataset.sessionState !== state;
    }
    dialog.setAttribute("aria-labelledby", `session-${state}-title`);
    dialog.setAttribute("aria-describedby", `session-${state}-text`);
    const time = clock.format(new Date(sessionEnd()));
    for (const place of dialog.querySelectorAll("[data-session-time]")) place.textContent = time;
    // Opened afresh, so that the new message is announced as the dialog's.
    if (dialog.open) dialog.close();
    dialog.showModal();
    dialog.querySelector(`[data-session-state=${state}] [data-session-focus]`).focus();
    if (state === "ended" && !wasEnded) document.dispatchEvent(new CustomEvent("session:ended"));
  }

  function hide() {
    shown = null;
    if (dialog.open) dialog.close();
  }

  // Asked before warning and before saying the session is over: another tab may have kept it
  // going, and the server's clock is the one that counts.
  async function check() {
    let status;
    try {
      status = await ask("GET");
    } catch {
      checkAt(Date.now() + 30_000); // the network, not the session: try again soon
      return;
    }
    if (!status) {
      if (shown !== "ended") show("ended");
      return;
    }
    update(status);
    const left = sessionEnd() - Date.now();
    if (left > warning) {
      hide();
      checkAt(sessionEnd() - warning);
      return;
    }
    const state = absoluteEnd <= idleEnd ? "limit" : "idle";
    if (shown !== state) show(state); // not again once put away
    // Just after the end; still signed in at the very end, ask again shortly.
    checkAt(left > 0 ? sessionEnd() + 1000 : Date.now() + 5000);
  }

  async function extend() {
    let status;
    try {
      status = await ask("POST");
    } catch {
      check();
      return;
    }
    if (!status) {
      show("ended");
      return;
    }
    update(status);
    hide();
    checkAt(sessionEnd() - warning);
    document.dispatchEvent(new CustomEvent("session:extended"));
  }

  function activity() {
    idleEnd = Date.now() + idleLimit;
    if (shown) check();
    else checkAt(sessionEnd() - warning);
  }

  dialog.addEventListener("click", (event) => {
    if (event.target.closest("[data-session-extend]")) extend();
    else if (event.target.closest("[data-session-close]")) dialog.close();
  });
  document.addEventListener("session:activity", activity);
  // Timers sleep with the computer and in hidden tabs; coming back, look again.
  function onReturn() {
    if (document.visibilityState === "visible" && (shown || Date.now() >= sessionEnd() - warning)) {
      check();
    }
  }
  document.addEventListener("visibilitychange", onReturn);
  window.addEventListener("focus", onReturn);

  checkAt(sessionEnd() - warning);
}
