/* Postroom Web Push service worker: import it from a worker on your own origin:
   importScripts("{{ site_url }}/push/sw.js"); */
self.addEventListener("push", function (event) {
  var note = {};
  try {
    note = event.data ? event.data.json() : {};
  } catch (error) {
    note = {title: event.data ? event.data.text() : ""};
  }
  event.waitUntil(self.registration.showNotification(note.title || "", {
    body: note.body || "",
    icon: note.icon || undefined,
    image: note.image || undefined,
    data: {url: note.url || "", data: note.data || {}}
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = event.notification.data && event.notification.data.url;
  if (url) event.waitUntil(self.clients.openWindow(url));
});
