// Behaviour the pages declare in data attributes, so no page needs inline script
// (the Content-Security-Policy allows scripts from our static files only).
//   data-confirm="Question?"   on a form (asked on submit) or a button (asked on click)
//   data-autosubmit            on a select or checkbox: submit its form when it changes
//   data-check-all="name"      on a checkbox: tick or clear every checkbox of that name
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm]:not(form)") : null;
    if (target && !window.confirm(target.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    var all = event.target.closest ? event.target.closest("[data-check-all]") : null;
    if (all) {
      document.querySelectorAll('input[type=checkbox][name="' + all.dataset.checkAll + '"]').forEach(function (box) {
        box.checked = all.checked;
      });
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-autosubmit]") && event.target.form) {
      event.target.form.requestSubmit ? event.target.form.requestSubmit() : event.target.form.submit();
    }
  });
})();
