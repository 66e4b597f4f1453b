/* The push sandbox demo page: permission on a click, the demo worker, then the sandbox inbox polled. */
(function () {
  "use strict";
  var root = document.getElementById("push-demo");
  if (!root) return;
  var workerUrl = root.getAttribute("data-worker");
  var canWork = "serviceWorker" in navigator;

  function registration() {
    if (!canWork) return Promise.resolve(null);
    return navigator.serviceWorker.register(workerUrl).then(function () {
      return navigator.serviceWorker.getRegistration(workerUrl);
    }).then(function (found) {
      if (!found) return null;
      if (found.active) return found;
      return new Promise(function (resolve) {
        var worker = found.installing || found.waiting;
        worker.addEventListener("statechange", function () {
          if (worker.state === "activated") resolve(found);
        });
      });
    });
  }

  var button = document.getElementById("push-demo-subscribe");
  if (button) {
    button.addEventListener("click", function () {
      var form = document.getElementById("push-demo-form");
      form.elements.locale.value = navigator.language || "";
      form.elements.time_zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
      var asked = "Notification" in window ? Notification.requestPermission() : Promise.resolve("");
      button.disabled = true;
      asked.then(registration).then(function () { form.submit(); }, function () { form.submit(); });
    });
  }

  var inbox = root.getAttribute("data-inbox");
  if (!inbox) return;
  var after = root.getAttribute("data-after") || "";
  var list = document.getElementById("push-demo-received");
  var state = document.getElementById("push-demo-state");

  function listed(payload) {
    var empty = list.querySelector("[data-empty]");
    if (empty) empty.remove();
    var item = document.createElement("li");
    item.className = "list-group-item";
    var title = document.createElement("strong");
    title.textContent = payload.title || "";
    item.appendChild(title);
    item.appendChild(document.createTextNode(" " + (payload.body || "")));
    list.prepend(item);
  }

  registration().then(function (found) {
    var shown = found && window.Notification && Notification.permission === "granted";
    state.textContent = state.getAttribute(shown ? "data-worker-text" : "data-page-text");
    root.setAttribute("data-ready", shown ? "worker" : "page");
    function poll() {
      fetch(inbox + "?after=" + encodeURIComponent(after), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {notifications: []}; })
        .then(function (answer) {
          answer.notifications.forEach(function (entry) {
            after = entry.id;
            listed(entry.notification);
            if (shown) found.active.postMessage({postroomSandboxPush: entry.notification});
          });
        })
        .catch(function () {})
        .then(function () { setTimeout(poll, 2000); });
    }
    poll();
  });
})();
