// Progressive enhancement only: the player works without this file.
// It fills each answer form's hidden time_ms with the milliseconds since the
// question was shown (or since the last answer was checked).
(function () {
  "use strict";
  var shown = new WeakMap();
  function start(form) {
    shown.set(form, Date.now());
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-timed]").forEach(start);
  });
  function stamp(form) {
    var field = form.querySelector("[data-time-ms]");
    if (field && shown.has(form)) {
      field.value = String(Math.max(0, Date.now() - shown.get(form)));
    }
  }
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-timed]")) {
      stamp(event.target);
    }
  }, true);
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-timed]")) {
      stamp(form);
      var field = form.querySelector("[data-time-ms]");
      if (field) {
        event.detail.parameters.time_ms = field.value;
      }
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-timed]")) {
      start(form);
    }
  });
})();
