{% autoescape off %}/* Postroom: page views and conversions of visitors who came from a message.
   <script async src="{{ request.scheme }}://{{ request.get_host }}/t/snippet.js"></script>
   postroom.convert("purchase", 49.90, "order-1234")  // goal, optional revenue, optional order id
   postroom.lead({name: "Pat", email: "pat@example.com", phone: "", company: ""})  // a CRM lead */
(function (w, d) {
  var KEY = "postroom_visitor", beacon = "{{ beacon }}", token = null;
  try {
    var match = /[?&]pr_v=([^&#]+)/.exec(w.location.search);
    if (match) {
      token = decodeURIComponent(match[1]);
      w.localStorage.setItem(KEY, JSON.stringify({v: token, until: Date.now() + {{ days }} * 864e5}));
    } else {
      var kept = JSON.parse(w.localStorage.getItem(KEY) || "null");
      if (kept && kept.until > Date.now()) token = kept.v;
    }
  } catch (e) {}
  function send(data) {
    if (!token) return false;
    data.v = token;
    data.url = String(w.location.href).slice(0, 500);
    var body = JSON.stringify(data);
    if (w.navigator.sendBeacon) return w.navigator.sendBeacon(beacon, body);
    w.fetch(beacon, {method: "POST", body: body, keepalive: true, mode: "no-cors"});
    return true;
  }
  var queued = (w.postroom && w.postroom.q) || [];
  w.postroom = {
    convert: function (goal, revenue, id) { return send({type: "conversion", goal: goal, revenue: revenue, id: id}); },
    lead: function (details) { return send({type: "lead", lead: details}); },
    page: function () { return send({type: "page"}); }
  };
  w.postroom.page();
  for (var i = 0; i < queued.length; i++) w.postroom.convert.apply(null, queued[i]);
})(window, document);
{% endautoescape %}
