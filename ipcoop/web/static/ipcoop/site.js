// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The language switcher submits as soon as a language is chosen; its button stays for no-JS use.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form) {
      form.requestSubmit();
    }
  });
  // Move focus to the error summary so screen readers announce what to fix.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".form-errors");
    if (summary) {
      summary.focus();
    }
  });
})();
