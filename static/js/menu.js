// The menus are <details> elements: they open and close without this script. With it, Escape
// closes the open menu (focus back on its button), and a click elsewhere or opening another menu
// closes it, as a user expects from a drop-down.
(function () {
  "use strict";
  function menus() { return document.querySelectorAll("details[data-menu][open]"); }
  function closeAll(except) {
    menus().forEach(function (menu) {
      if (menu !== except && !menu.contains(except)) { menu.open = false; }
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = menus();
    if (!open.length) { return; }
    var inner = open[open.length - 1];
    inner.open = false;
    inner.querySelector("summary").focus();
  });
  document.addEventListener("click", function (event) {
    var menu = event.target.closest("details[data-menu]");
    closeAll(menu);
  });
  document.addEventListener("focusin", function (event) {
    closeAll(event.target.closest("details[data-menu]"));
  });
})();

// A form sent back with errors: its summary (role="alert") takes the focus and the title says
// "Erreur" — the server does both for a form named "form"; this covers every other form.
(function () {
  "use strict";
  var summary = document.querySelector("[data-form-errors]");
  if (!summary) { return; }
  var prefix = "Erreur : ";
  if (document.title.indexOf(prefix) !== 0) { document.title = prefix + document.title; }
  if (document.activeElement === document.body || document.activeElement === null) { summary.focus(); }
})();
