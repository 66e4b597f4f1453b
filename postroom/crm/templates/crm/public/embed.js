(function () {
  "use strict";
  var script = document.currentScript;
  var params = new URLSearchParams(window.location.search);
  var pass = new URLSearchParams();
  ["pr_v", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].forEach(function (name) {
    if (params.get(name)) pass.set(name, params.get(name));
  });
  var frame = document.createElement("iframe");
  frame.src = {{ url_json|safe }} + (pass.toString() ? "?" + pass.toString() : "");
  frame.title = "Lead form";
  frame.style.cssText = "width:100%;max-width:34rem;height:36rem;border:0";
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
