// Report chart: draws each canvas[data-chart] from its JSON data, again after htmx refreshes it.
(function () {
  "use strict";
  const COLORS = { sent: "#6c757d", opens: "#0d6efd", clicks: "#198754", unsubscribed: "#fd7e14", bounced: "#dc3545", conversions: "#6f42c1" };

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.drawn) return;
    const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    // The page's language, not the browser's: a Russian page gets Russian dates and numbers.
    const locale = document.documentElement.lang || undefined;
    const labels = data.labels.map((iso) => new Date(iso).toLocaleString(locale, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }));
    // Axis titles come translated from the template (data-axis-x, data-axis-y).
    const axis = (text) => ({ display: Boolean(text), text: text || "" });
    const datasets = Object.entries(data.series).map(([name, values]) => ({
      label: canvas.dataset["label" + name.charAt(0).toUpperCase() + name.slice(1)] || name,
      data: values, borderColor: COLORS[name], backgroundColor: COLORS[name], tension: 0.2,
      hidden: name === "unsubscribed" || name === "bounced" || name === "conversions" ? values.every((v) => !v) : false,
    }));
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      type: labels.length > 1 ? "line" : "bar",
      data: { labels, datasets },
      options: {
        locale, responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: "index", intersect: false },
        scales: { x: { title: axis(canvas.dataset.axisX) }, y: { beginAtZero: true, ticks: { precision: 0 }, title: axis(canvas.dataset.axisY) } },
      },
    });
  }

  function drawAll() { document.querySelectorAll("canvas[data-chart]").forEach(draw); }
  drawAll();
  document.body.addEventListener("htmx:afterSettle", drawAll);
})();
