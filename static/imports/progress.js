// Polls the import's status and moves the progress bar; reloads the page once the import is over.
(function () {
  "use strict";
  var box = document.getElementById("import-status");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        // An expired session answers with the login page: say so instead of polling it forever.
        if (response.redirected || response.status === 401 || response.status === 403) {
          text.textContent = "Votre session a expiré : rechargez la page après vous être reconnecté.";
          throw new Error("session");
        }
        return response.json();
      })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
        text.textContent = data.status_label.charAt(0).toUpperCase() + data.status_label.slice(1) + " — " + data.progress + " %";
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function (error) { if (error.message !== "session") { window.setTimeout(poll, 3000); } });
  }
  window.setTimeout(poll, 1000);
})();
