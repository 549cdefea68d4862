// Small progressive enhancements; every page works without them.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// A wide table scrolls sideways inside its .table-scroll box on a narrow screen. A box that
// scrolls must be reachable with the keyboard (WCAG 2.1.1), so it takes the focus while it
// scrolls, named after its table's caption when the table has one.
function markScrollingTables() {
  for (const box of document.querySelectorAll(".table-scroll")) {
    const scrolls = box.scrollWidth > box.clientWidth;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      box.dataset.scrollFocus = "";
      const caption = box.querySelector("caption");
      const labelledBy = box.querySelector("table[aria-labelledby]");
      if (caption) {
        caption.id = caption.id || `table-caption-${Math.random().toString(36).slice(2)}`;
        box.setAttribute("role", "region");
        box.setAttribute("aria-labelledby", caption.id);
      } else if (labelledBy) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-labelledby", labelledBy.getAttribute("aria-labelledby"));
      }
    } else if (!scrolls && "scrollFocus" in box.dataset) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-labelledby");
      delete box.dataset.scrollFocus;
    }
  }
}
markScrollingTables();
window.addEventListener("resize", markScrollingTables);

// Autosave after the session has ended. The server answers a background save from a signed-out
// person with 401 and a message (templates/signed_out_status.html); htmx leaves error answers
// out of the page, so this one is let in, in place of the save status only: the answers typed
// stay where they are. When the person comes back from signing in again in another tab, the
// page fetches the status (and with it the new CSRF token that signing in gave the browser)
// and saves what is on the page.
let signedOutForm = null;

document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 401) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    signedOutForm =
      (source && source.closest && source.closest("form[hx-post]")) ||
      document.querySelector("form[hx-post]");
  }
});

// A deliberate save while signed out would lead to the sign-in page and lose the answers.
document.addEventListener("submit", (event) => {
  if (signedOutForm && event.target === signedOutForm) {
    event.preventDefault();
    const status = document.getElementById("save-status");
    const link = status && status.querySelector("a");
    if (link) link.focus();
  }
});

function resumeAfterSigningIn() {
  if (!signedOutForm || document.visibilityState !== "visible" || !window.htmx) return;
  const form = signedOutForm;
  signedOutForm = null;
  window.htmx
    .ajax("GET", form.getAttribute("hx-post"), { target: "#save-status", swap: "outerHTML" })
    .then(() => {
      if (!signedOutForm) window.htmx.trigger(form, "change");
    });
}
document.addEventListener("visibilitychange", resumeAfterSigningIn);
window.addEventListener("focus", resumeAfterSigningIn);
