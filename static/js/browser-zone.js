// First visit of a user without a time zone: the browser's own becomes theirs
// (they can change it on the profile page), and this page is shown again in it.
(function () {
  "use strict";
  var form = document.getElementById("browser-zone");
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!form || !zone) return;
  var data = new FormData(form);
  data.set("time_zone", zone);
  fetch(form.action, { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
    // 204: taken. Reload only a page that was fetched (never re-post a form) and not shown in that zone already.
    if (response.status === 204 && form.dataset.reload === "yes" && form.dataset.shownIn !== zone) {
      window.location.reload();
    }
  });
})();
