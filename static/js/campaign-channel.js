// The campaign form shows what the chosen channel sends: the email message or the push creative.
(function () {
  "use strict";
  var form = document.getElementById("campaign-form");
  var select = form && form.querySelector("select[name=channel]");
  if (!select) return;
  function show() {
    form.querySelectorAll("[data-channel]").forEach(function (field) {
      field.hidden = field.getAttribute("data-channel") !== (select.value || "email");
    });
  }
  select.addEventListener("change", show);
  show();
})();
