// The admin's export page: "Select all" ticks or clears every column (django-import-export
// wires it with an inline handler, which the Content-Security-Policy refuses).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("input.select-toggle");
  if (!toggle) {
    return;
  }
  const boxes = () => document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]');
  toggle.addEventListener("change", () => {
    for (const box of boxes()) {
      box.checked = toggle.checked;
    }
  });
  // Ticking or clearing a column by hand keeps "Select all" true to what is ticked.
  document.addEventListener("change", (event) => {
    if (event.target !== toggle && event.target.closest(".selectable-field-export-row")) {
      toggle.checked = Array.from(boxes()).every((box) => box.checked);
    }
  });
});
