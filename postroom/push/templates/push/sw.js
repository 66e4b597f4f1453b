/* Postroom Web Push service worker: import it from a worker on your own origin:
   importScripts("{{ site_url }}/push/sw.js");
   A push's payload: title, body, icon, image, data; `url`, the signed click URL
   (Postroom counts the tap and redirects to the notification's link); `received`,
   the signed URL this worker tells that the notification was shown. */
function postroomReceived(url) {
  if (!url) return Promise.resolve();
  // A simple cross-origin request without credentials: no preflight, no cookies.
  return fetch(url, {method: "POST", mode: "cors", credentials: "omit", keepalive: true})
    .catch(function () {});
}

self.addEventListener("push", function (event) {
  var note = {};
  try {
    note = event.data ? event.data.json() : {};
  } catch (error) {
    note = {title: event.data ? event.data.text() : ""};
  }
  var shown = self.registration.showNotification(note.title || "", {
    body: note.body || "",
    icon: note.icon || undefined,
    image: note.image || undefined,
    data: {url: note.url || "", data: note.data || {}}
  });
  event.waitUntil(shown.then(function () { return postroomReceived(note.received); }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = event.notification.data && event.notification.data.url;
  if (url) event.waitUntil(self.clients.openWindow(url));
});
