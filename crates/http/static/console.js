// Patron console: the few things HTML cannot do alone. Every page works without it.
// - [data-copy=ID]: copies the value (or text) of element ID, e.g. a new API key's token.
// - [data-toggle-password=ID]: shows or hides the password typed in input ID.
"use strict";
document.addEventListener("click", function (event) {
  var copy = event.target.closest("[data-copy]");
  if (copy) {
    var source = document.getElementById(copy.getAttribute("data-copy"));
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    var done = function () {
      var label = copy.getAttribute("data-copied");
      if (label) { copy.textContent = label; }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else if (source.select) {
      source.select();
      document.execCommand("copy");
      done();
    }
    return;
  }
  var toggle = event.target.closest("[data-toggle-password]");
  if (toggle) {
    var input = document.getElementById(toggle.getAttribute("data-toggle-password"));
    if (input) { input.type = input.type === "password" ? "text" : "password"; }
  }
});
// - form[data-confirm]: asks before submitting (freeze, cancel, unbind).
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
// - input[data-check-all=NAME]: checks or unchecks every NAME box of its form.
document.addEventListener("change", function (event) {
  var all = event.target.closest("input[data-check-all]");
  if (!all || !all.form) return;
  var name = all.getAttribute("data-check-all");
  all.form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) {
    box.checked = all.checked;
  });
});
