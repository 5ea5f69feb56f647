// Himaya front-end behaviour (no inline scripts: CSP forbids them).
"use strict";

// Forms with data-confirm="question" ask before submitting (e.g. removing a service).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) { return; }
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
}, true);
