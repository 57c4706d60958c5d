// Behaviour shared by every page; no inline scripts (Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
});

// Forms marked data-confirm ask before submitting (removals).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// A table wider than its box scrolls sideways: keyboard users reach it with Tab and scroll it
// with the arrow keys (axe-core: scrollable-region-focusable).
function focusableScrollRegions() {
  for (const region of document.querySelectorAll(".table-responsive")) {
    const scrolls = region.scrollWidth > region.clientWidth || region.scrollHeight > region.clientHeight;
    if (scrolls && !region.hasAttribute("tabindex")) {
      region.setAttribute("tabindex", "0");
      region.dataset.portalFocusable = "1";
    } else if (!scrolls && region.dataset.portalFocusable) {
      region.removeAttribute("tabindex");
      delete region.dataset.portalFocusable;
    }
  }
}
document.addEventListener("DOMContentLoaded", focusableScrollRegions);
window.addEventListener("resize", focusableScrollRegions);
