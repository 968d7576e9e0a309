// The "Copier le lien" buttons of the agenda page. Without this script the address stays a plain
// read-only field the reader selects and copies; with it, a button copies it and says so.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector('[data-copied-for="' + field.id + '"]');
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var done = function () { status.textContent = "Lien copié."; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          status.textContent = "Le lien est sélectionné : copiez-le (Ctrl+C).";
        });
      } else {
        status.textContent = "Le lien est sélectionné : copiez-le (Ctrl+C).";
      }
    });
  });
})();
