/* The push sandbox demo's service worker: Postroom's own worker (/push/sw.js), as a customer's
   site imports it, and one door more: the demo page passes it each notification the sandbox kept
   ({postroomSandboxPush: payload}), which goes to the worker's push handlers as the payload of a
   push would. Only the push service is stood in for; showing, reporting and clicks are the real code. */
var pushHandlers = [];
var addListener = self.addEventListener.bind(self);
self.addEventListener = function (type, listener, options) {
  if (type === "push") pushHandlers.push(listener);
  return addListener(type, listener, options);
};
importScripts("/push/sw.js");

addListener("message", function (event) {
  var payload = event.data && event.data.postroomSandboxPush;
  if (!payload) return;
  var text = JSON.stringify(payload);
  var push = {
    data: {
      json: function () { return JSON.parse(text); },
      text: function () { return text; }
    },
    waitUntil: function (promise) { event.waitUntil(promise); }
  };
  pushHandlers.forEach(function (listener) { listener.call(self, push); });
});
