// The workload gauge: while a teacher picks a date, minutes or a modality, ask the server for the
// load of the audience (an HTML fragment) and show it without reloading the page.
(function () {
  "use strict";
  var form = document.getElementById("planning-form");
  var gauge = document.getElementById("jauge");
  if (!form || !gauge) { return; }
  var url = form.dataset.gaugeUrl;
  // The verdict in one line inside the form (narrow screens): copied from the gauge's <template>, so
  // the gauge stays the one live region and no id is drawn twice.
  var verdict = form.querySelector("[data-gauge-verdict]");
  function showVerdict() {
    var source = gauge.querySelector("template[data-verdict]");
    if (verdict && source) { verdict.replaceChildren(source.content.cloneNode(true)); }
  }
  var timer = null;
  var controller = null;

  function value(name) {
    var field = form.elements.namedItem(name);
    if (!field) { return ""; }
    if (field instanceof RadioNodeList) { return field.value; }
    return field.value;
  }

  function params() {
    var p = new URLSearchParams();
    p.set("pour", value("audience") || form.dataset.audience || "");
    p.set("date", value("due_date") || value("date") || form.dataset.date || "");
    var modality = value("modality");
    if (modality) {
      var minutes = form.dataset.minutes;
      if (!minutes && value("start") && value("end")) {
        var s = value("start").split(":"), e = value("end").split(":");
        minutes = (parseInt(e[0], 10) * 60 + parseInt(e[1], 10)) - (parseInt(s[0], 10) * 60 + parseInt(s[1], 10));
      }
      if (modality === "visio") { p.set("video", minutes || 0); }
      if (modality === "hybride" && value("hybrid_remote_mode") === "live") {
        p.set("video", minutes || 0);
        var room = value("hybrid_room_half");
        if (room === "A") { p.set("distance", "B"); }
        if (room === "B") { p.set("distance", "A"); }
      }
    } else {
      p.set("minutes", value("estimated_minutes") || 0);
      if (value("given_on")) { p.set("donne", value("given_on")); }
      p.set("kind", value("kind"));
    }
    if (form.dataset.homework) { p.set("travail", form.dataset.homework); }
    if (form.dataset.session) { p.set("seance", form.dataset.session); }
    return p;
  }

  function refresh() {
    if (controller) { controller.abort(); }
    controller = new AbortController();
    gauge.setAttribute("aria-busy", "true");
    fetch(url + "?" + params().toString(), {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      signal: controller.signal
    }).then(function (response) {
      if (sessionEnded(response)) { return null; }
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (html) {
      gauge.removeAttribute("aria-busy");
      if (html === null) { tellSessionEnded(); return; }
      expired = false;
      gauge.innerHTML = html;
      showVerdict();
    }).catch(function () { gauge.removeAttribute("aria-busy"); });
  }

  // An expired session: the server answers with its login page. Never show that page inside the
  // gauge; say so, and offer to log in again in another tab so that the form here keeps its content.
  var expired = false;
  function sessionEnded(response) {
    return response.status === 401 || response.status === 403 ||
      (response.redirected && new URL(response.url).pathname === (document.body.dataset.loginUrl || "/comptes/login/"));
  }
  function tellSessionEnded() {
    expired = true;
    var next = window.location.pathname + window.location.search;
    var box = document.createElement("div");
    box.className = "alert alert-warning";
    box.setAttribute("role", "alert");
    var link = document.createElement("a");
    link.className = "alert-link";
    link.href = (document.body.dataset.loginUrl || "/comptes/login/") + "?next=" + encodeURIComponent(next);
    link.target = "_blank";
    link.textContent = "Vous reconnecter (nouvel onglet)";
    box.append("Votre session a expiré : la jauge ne peut plus se mettre à jour. Votre saisie est gardée sur cette page. ");
    box.append(link);
    box.append(", puis revenez ici pour enregistrer.");
    gauge.replaceChildren(box);
    if (verdict) {
      var note = document.createElement("p");
      note.className = "alert alert-warning small py-2 mb-0";
      var more = document.createElement("a");
      more.className = "alert-link";
      more.href = "#jauge";
      more.textContent = "Voir la jauge";
      note.append("Votre session a expiré : la jauge ne se met plus à jour. ");
      note.append(more);
      verdict.replaceChildren(note);
    }
  }
  // Back from the other tab, logged in again: the login renewed the form token, so the form here
  // takes the new one (what was typed stays), then the gauge resumes.
  function resume() {
    if (!expired) { return; }
    fetch(document.body.dataset.tokenUrl || "/comptes/jeton/", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.authenticated) { return; }
        document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
          input.value = data.csrf;
        });
        refresh();
      })
      .catch(function () { /* still offline: the message stays */ });
  }
  window.addEventListener("focus", resume);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { resume(); } });

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  gauge.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-date]");
    if (!button) { return; }
    var due = form.elements.namedItem("due_date") || form.elements.namedItem("date");
    if (due) {
      due.value = button.dataset.pickDate;
      due.focus();
      refresh();
    }
  });
  refresh();
})();
