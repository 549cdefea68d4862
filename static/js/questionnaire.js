// The questionnaire saves itself while the person types, and never loses what was typed.
//
// - Only the fields changed since the server last confirmed them are sent, each with the digest
//   of the value the page had for it (`base`), so the server writes a field only where nobody
//   else has changed it meanwhile, and asks the person to choose where both did.
// - What has not been confirmed is kept in this browser (localStorage) and sent again, with
//   growing pauses, after a server error or while offline; and again when the page is opened
//   next time, should it have been closed first.
// - The save status stays in view at the foot of the form and is announced politely; a field
//   that could not be saved is named, marked and linked to.
// - Leaving the page with unsaved answers asks first.
// Without this script the buttons save the page the same way, field by field.
(() => {
  "use strict";

  const form = document.getElementById("questionnaire-form");
  if (!form || form.dataset.autosave !== "on") return;
  const strings = JSON.parse(document.getElementById("autosave-strings").textContent);
  const status = document.getElementById("save-status");
  const problems = document.getElementById("save-problems");
  const lastSaved = document.getElementById("last-saved");
  const storageKey = `handlingskraft:unsaved:${form.dataset.user}:${location.pathname}`;
  const CONTROL = new Set(["csrfmiddlewaretoken", "base", "action", "changed"]);
  const DELAYS = [2, 4, 8, 16, 30, 60]; // seconds between attempts after a failure

  const base = decodeDigests(form.elements.base.value); // field name -> digest
  const saved = {}; // field name -> values the server has confirmed
  const dirty = new Set(); // changed since confirmed
  const held = new Map(); // field name -> why it is not sent: "conflict" or "invalid"
  let sending = null; // the values of the save under way
  let again = false; // more changes while a save was under way
  let timer = null;
  let attempt = 0;
  let retryTimer = null;
  let signedOut = false;
  let submitting = false;

  // Fields and their values ----------------------------------------------------------------

  function decodeDigests(text) {
    const result = {};
    for (const part of (text || "").split(";")) {
      const at = part.lastIndexOf(":");
      if (at > 0) result[part.slice(0, at)] = part.slice(at + 1);
    }
    return result;
  }

  function encodeDigests(digests) {
    return Object.entries(digests)
      .map(([name, value]) => `${name}:${value}`)
      .join(";");
  }

  function fieldNames() {
    const names = new Set();
    for (const element of form.elements) {
      if (element.name && !CONTROL.has(element.name) && !element.disabled) names.add(element.name);
    }
    return names;
  }

  function elementsOf(name) {
    return [...form.elements].filter((element) => element.name === name);
  }

  // The values a field holds now, or (`drawn`) those the page was drawn with: what the
  // browser filled in by itself (back and forward, a form kept across signing in) is a change.
  function valuesOf(name, drawn = false) {
    const values = [];
    for (const element of elementsOf(name)) {
      if (element.type === "checkbox" || element.type === "radio") {
        if (drawn ? element.defaultChecked : element.checked) values.push(element.value);
      } else if (drawn && element.tagName === "SELECT") {
        const chosen = [...element.options].find((option) => option.defaultSelected);
        values.push(chosen ? chosen.value : element.options[0] ? element.options[0].value : "");
      } else {
        values.push(drawn ? element.defaultValue : element.value);
      }
    }
    return values;
  }

  function setValues(name, values) {
    for (const element of elementsOf(name)) {
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else {
        element.value = values[0] || "";
      }
    }
  }

  const same = (a, b) => a.length === b.length && a.every((value, i) => value === b[i]);

  function fieldId(name) {
    const element = elementsOf(name)[0];
    return element ? element.id : "";
  }

  // "1.2 Train the staff – What was done?": the item is the section's, the label the field's.
  function describe(name) {
    const element = elementsOf(name)[0];
    if (!element) return name;
    const section = element.closest("[data-item]");
    const group = element.closest("fieldset");
    let label = document.querySelector(`label[for="${element.id}"]`);
    if ((element.type === "checkbox" || element.type === "radio") && group) {
      label = group.querySelector("legend");
    }
    const text = label ? label.textContent.replace(/\(.*?\)\s*$/, "").trim() : name;
    return fill(strings.field, { item: section ? section.dataset.item : "", label: text });
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));
  }

  // What is not yet confirmed, kept in the browser ----------------------------------------

  function remember() {
    const pending = {};
    for (const name of dirty) pending[name] = { values: valuesOf(name), base: base[name] || "" };
    try {
      if (Object.keys(pending).length) localStorage.setItem(storageKey, JSON.stringify(pending));
      else localStorage.removeItem(storageKey);
    } catch {
      // Storage full or switched off: the answers are still on the page.
    }
  }

  function recall() {
    let pending = null;
    try {
      pending = JSON.parse(localStorage.getItem(storageKey) || "null");
    } catch {
      pending = null;
    }
    if (!pending) return false;
    let restored = false;
    for (const [name, entry] of Object.entries(pending)) {
      if (!(name in saved) || same(entry.values, saved[name])) continue;
      setValues(name, entry.values);
      base[name] = entry.base; // what that page was drawn from: the server merges from there
      dirty.add(name);
      restored = true;
    }
    return restored;
  }

  // The status at the foot of the form --------------------------------------------------------

  function show(state, text, list = [], extra = null) {
    status.dataset.state = state;
    status.textContent = text;
    if (extra) status.append(" ", extra);
    problems.replaceChildren();
    problems.hidden = list.length === 0;
    if (list.length) {
      const ul = document.createElement("ul");
      for (const entry of list) {
        const li = document.createElement("li");
        const link = document.createElement("a");
        link.href = `#${entry.id}`;
        link.textContent = entry.text;
        li.append(link);
        ul.append(li);
      }
      problems.append(ul);
    }
  }

  function unsentList() {
    return [...dirty].map((name) => ({ id: fieldId(name), text: describe(name) }));
  }

  function signInLink() {
    const span = document.createElement("span");
    const link = document.createElement("a");
    link.href = form.dataset.signIn;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = strings.sign_in;
    span.append(link, ". ", strings.sign_in_after);
    return span;
  }

  function retryButton() {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = strings.retry;
    button.addEventListener("click", () => {
      clearTimeout(retryTimer);
      save();
    });
    return button;
  }

  // Marks at the fields ------------------------------------------------------------------

  function container(name) {
    const element = elementsOf(name)[0];
    return element && (element.closest(".field, td, fieldset") || element.parentElement);
  }

  function unmark(name) {
    const box = container(name);
    if (!box) return;
    for (const note of box.querySelectorAll(`[data-autosave-note="${CSS.escape(name)}"]`)) {
      note.remove();
    }
    box.classList.remove("field-error", "field-conflict");
    for (const element of elementsOf(name)) {
      element.removeAttribute("aria-invalid");
      const described = (element.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter((id) => id && id !== `${element.id}-autosave`);
      if (described.length) element.setAttribute("aria-describedby", described.join(" "));
      else element.removeAttribute("aria-describedby");
    }
  }

  function mark(name, kind, content) {
    unmark(name);
    const box = container(name);
    if (!box) return;
    const first = elementsOf(name)[0];
    const note = document.createElement("div");
    note.className = kind === "conflict" ? "conflict-note" : "error";
    note.id = `${first.id}-autosave`;
    note.dataset.autosaveNote = name;
    note.append(...content);
    box.append(note);
    box.classList.add(kind === "conflict" ? "field-conflict" : "field-error");
    for (const element of elementsOf(name)) {
      element.setAttribute("aria-invalid", "true");
      const described = (element.getAttribute("aria-describedby") || "").split(" ");
      element.setAttribute("aria-describedby", [...described, note.id].join(" ").trim());
    }
  }

  function markConflict(conflict, who) {
    const name = conflict.name;
    const text = document.createElement("p");
    text.textContent = fill(strings.conflict_at_field, {
      who,
      theirs: conflict.theirs || strings.empty,
      mine: conflict.mine || strings.empty,
    });
    const keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = strings.keep_mine;
    keep.addEventListener("click", () => {
      base[name] = conflict.theirs_digest; // chosen after seeing theirs: mine now replaces it
      held.delete(name);
      unmark(name);
      dirty.add(name);
      remember();
      save();
    });
    const take = document.createElement("button");
    take.type = "button";
    take.className = "secondary";
    take.textContent = strings.take_theirs;
    take.addEventListener("click", () => {
      setValues(name, conflict.theirs_values);
      saved[name] = valuesOf(name);
      base[name] = conflict.theirs_digest;
      held.delete(name);
      dirty.delete(name);
      unmark(name);
      remember();
      report();
    });
    const actions = document.createElement("div");
    actions.className = "actions";
    actions.append(keep, take);
    mark(name, "conflict", [text, actions]);
  }

  // Saving --------------------------------------------------------------------------------

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  async function save() {
    if (signedOut || submitting) return;
    if (sending) {
      again = true;
      return;
    }
    const names = [...dirty].filter((name) => !held.has(name));
    if (!names.length) return;
    sending = {};
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    body.append("base", encodeDigests(base));
    body.append("changed", names.join(","));
    for (const name of names) {
      sending[name] = valuesOf(name);
      for (const value of sending[name]) body.append(name, value);
    }
    show("saving", strings.saving);
    let response = null;
    try {
      response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "HX-Request": "true", Accept: "application/json" },
      });
    } catch {
      response = null;
    }
    const sent = sending;
    sending = null;
    await answered(response, sent);
    if (again) {
      again = false;
      schedule(300);
    }
  }

  async function answered(response, sent) {
    if (response === null) return failed("offline");
    if (response.status === 401) {
      signedOut = true;
      show("signed-out", strings.signed_out, unsentList(), signInLink());
      return;
    }
    document.dispatchEvent(new CustomEvent("session:activity"));
    if (response.status === 403) {
      // Perhaps only the token changed (signed in again elsewhere): fetch it and try once more.
      if (attempt === 0 && (await refreshToken())) {
        attempt = 1;
        return save();
      }
      return failed("forbidden");
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch {
      answer = null;
    }
    if (response.status === 409 && answer && answer.state === "locked") {
      show("locked", answer.message, unsentList());
      remember();
      return;
    }
    if (!response.ok || !answer) return failed("server");
    attempt = 0;
    apply(answer, sent);
  }

  function apply(answer, sent) {
    if (answer.saved_text && lastSaved) lastSaved.textContent = answer.saved_text;
    for (const [name, digest] of Object.entries(answer.base)) {
      base[name] = digest;
      saved[name] = sent[name];
      held.delete(name);
      unmark(name);
      if (same(valuesOf(name), saved[name])) dirty.delete(name);
    }
    let updated = false;
    for (const [name, update] of Object.entries(answer.updates || {})) {
      if (dirty.has(name)) continue; // the person is changing it: their turn comes next
      setValues(name, update.values);
      saved[name] = valuesOf(name);
      base[name] = update.digest;
      updated = true;
    }
    for (const error of answer.errors) {
      held.set(error.name, "invalid");
      const text = document.createElement("p");
      text.textContent = error.message;
      mark(error.name, "invalid", [text]);
    }
    for (const conflict of answer.conflicts) {
      held.set(conflict.name, "conflict");
      markConflict(conflict, answer.conflict_by);
    }
    form.elements.base.value = encodeDigests(base);
    remember();
    report(answer, updated);
  }

  // The status after a save, or after the person chose in a conflict.
  let lastAnswer = null;
  function report(answer = lastAnswer, updated = false) {
    lastAnswer = answer;
    const errors = [...held].filter(([, why]) => why === "invalid").map(([name]) => name);
    const conflicts = [...held].filter(([, why]) => why === "conflict").map(([name]) => name);
    const list = (names) => names.map((name) => ({ id: fieldId(name), text: describe(name) }));
    if (conflicts.length) {
      const text = conflicts.length === 1 ? strings.conflict_one : strings.conflict_many;
      show(
        "conflict",
        fill(text, { who: answer ? answer.conflict_by : "", count: conflicts.length }),
        list([...conflicts, ...errors]),
      );
    } else if (errors.length) {
      const text = errors.length === 1 ? strings.invalid_one : strings.invalid_many;
      show("invalid", fill(text, { count: errors.length }), list(errors));
    } else if (answer) {
      const text = updated ? strings.updated : strings.saved;
      show("saved", fill(text, { time: answer.saved_at, who: answer.saved_by }));
    } else {
      show("idle", "");
    }
  }

  function failed(kind) {
    remember();
    if (kind === "forbidden") {
      show("failed", strings.forbidden, unsentList());
      return;
    }
    const delay = DELAYS[Math.min(attempt, DELAYS.length - 1)];
    attempt += 1;
    show("failed", fill(strings[kind], { seconds: delay }), unsentList(), retryButton());
    clearTimeout(retryTimer);
    retryTimer = setTimeout(save, delay * 1000);
  }

  // The form's token for the session as it is now (after signing in again, say), from the
  // session's own address (static/js/session.js); never for somebody else who signed in since.
  async function refreshToken() {
    const clock = document.getElementById("session-dialog");
    if (!clock) return false;
    try {
      const response = await fetch(clock.dataset.url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return false;
      const session = await response.json();
      if (session.owner !== clock.dataset.owner) return false;
      form.elements.csrfmiddlewaretoken.value = session.csrf_token;
      return true;
    } catch {
      return false;
    }
  }

  async function resume() {
    if (document.visibilityState !== "visible") return;
    if (signedOut) {
      if (!(await refreshToken())) return; // still signed out
      signedOut = false;
      attempt = 0;
    }
    if (dirty.size) save();
  }

  // Wiring --------------------------------------------------------------------------------

  function changed(event) {
    const name = event.target.name;
    if (!name || !(name in saved)) return;
    if (held.get(name) === "invalid") {
      held.delete(name); // a new value: try it
      unmark(name);
    }
    if (same(valuesOf(name), saved[name]) && !held.has(name)) dirty.delete(name);
    else dirty.add(name);
    remember();
    schedule(event.type === "input" && event.target.type !== "checkbox" ? 1500 : 500);
  }

  function noticeChanges() {
    for (const name of Object.keys(saved)) {
      if (!same(valuesOf(name), saved[name])) dirty.add(name);
    }
    if (dirty.size) {
      remember();
      schedule(500);
    }
  }

  for (const name of fieldNames()) saved[name] = valuesOf(name, true);
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", () => {
    if (dirty.size) schedule(200);
  });
  form.addEventListener("submit", (event) => {
    if (signedOut) {
      // A deliberate save now would lead to the sign-in page: keep the answers here.
      event.preventDefault();
      const link = status.querySelector("a");
      if (link) link.focus();
      return;
    }
    // The buttons send the whole page with what this page knows: saved field by field too.
    form.elements.base.value = encodeDigests(base);
    submitting = true;
    clearTimeout(timer);
    clearTimeout(retryTimer);
    try {
      localStorage.removeItem(storageKey);
    } catch {
      // nothing kept
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && (dirty.size || sending)) {
      remember();
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("online", () => {
    if (dirty.size && !sending) {
      clearTimeout(retryTimer);
      save();
    }
  });
  document.addEventListener("visibilitychange", resume);
  window.addEventListener("focus", resume);
  document.addEventListener("session:extended", resume);
  form.addEventListener("session:restored", noticeChanges); // filled in after signing in again

  if (recall()) {
    show("saving", strings.restored, unsentList());
    schedule(500);
  }
  noticeChanges();
})();
