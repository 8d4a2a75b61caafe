// laborlens dashboard: clicking a legend entry shows or hides that field's highlighting.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const text = document.querySelector(".article-page .text");
  if (!text) return;
  for (const button of document.querySelectorAll(".legend button[data-field]")) {
    button.addEventListener("click", () => {
      const field = button.dataset.field;
      const hidden = text.classList.toggle("hide-" + field);
      button.classList.toggle("off", hidden);
      button.setAttribute("aria-pressed", String(!hidden));
    });
  }
});
