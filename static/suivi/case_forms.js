// The case page's forms load when their box opens: the page itself draws none (each costs its
// queries and its rendering), the server sends the one asked for. Without this script, each box
// holds a link that reloads the page with that form open.
(function () {
  "use strict";
  document.querySelectorAll("details[data-case-form]").forEach(function (box) {
    var body = box.querySelector(".case-form-body");
    if (!body || box.open) { return; }
    box.addEventListener("toggle", function () {
      if (!box.open || box.dataset.loaded) { return; }
      box.dataset.loaded = "1";
      fetch(box.dataset.caseForm, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          body.innerHTML = html;
          var first = body.querySelector("input:not([type=hidden]), select, textarea");
          if (first) { first.focus(); }
        })
        .catch(function () { delete box.dataset.loaded; });
    });
  });
})();
