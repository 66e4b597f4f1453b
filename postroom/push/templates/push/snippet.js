{% autoescape off %}/* Postroom Web Push: a [data-postroom-push] button subscribes this browser (permission is asked on the click only). */
(function () {
  "use strict";
  var config = {{ config_json }};
  var script = document.currentScript;
  var worker = (script && script.getAttribute("data-worker")) || "/postroom-sw.js";

  function key(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function subscribe() {
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      return Promise.reject(new Error("This browser cannot receive push notifications."));
    }
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("Permission " + permission);
      return navigator.serviceWorker.register(worker);
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(config.vapidPublicKey)});
    }).then(function (subscription) {
      var body = subscription.toJSON();
      body.kind = "webpush";
      body.platform = "web";
      body.locale = navigator.language || "";
      body.time_zone = (Intl.DateTimeFormat().resolvedOptions().timeZone) || "";
      return fetch(config.registerUrl, {
        method: "POST",
        headers: {"Content-Type": "application/json", "Authorization": "Key " + config.key},
        body: JSON.stringify(body)
      });
    }).then(function (response) {
      if (!response.ok) throw new Error("Registration refused: " + response.status);
      return response.json();
    });
  }

  window.Postroom = window.Postroom || {};
  window.Postroom.push = {subscribe: subscribe};
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-postroom-push]") : null;
    if (!button) return;
    // The page's key is public: the device gets a contact of its own, which your server
    // may link to a subscriber with an API token (POST /api/v1/push/devices/register/).
    subscribe().then(function (answer) {
      button.dispatchEvent(new CustomEvent("postroom:subscribed", {bubbles: true, detail: answer}));
    }, function (error) {
      button.dispatchEvent(new CustomEvent("postroom:failed", {bubbles: true, detail: String(error)}));
    });
  });
})();
{% endautoescape %}
