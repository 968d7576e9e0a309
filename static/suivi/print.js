// The "Imprimer" button of a letter (a separate file: the pages forbid inline scripts).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
