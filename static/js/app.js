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

// A page drawn again after a failed submit starts with a summary of what needs correcting
// (templates/error_summary.html). Moving the focus to it has a screen reader read it out and
// puts the keyboard next to its links to the fields; without the script it is still the
// first thing in the form. A form filled in again after signing in takes the focus instead
// (static/js/session.js).
const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary && !document.getElementById("restored-form")) {
  errorSummary.focus();
}
