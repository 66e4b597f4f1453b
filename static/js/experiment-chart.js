// Experiment page: the share of each wave per variant, as stacked bars (labels come in the campaign's zone).
(function () {
  "use strict";
  const COLORS = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d", "#d63384"];
  const canvas = document.querySelector("canvas[data-experiment-chart]");
  if (!canvas || !window.Chart) return;
  const data = JSON.parse(document.getElementById(canvas.dataset.experimentChart).textContent);
  const locale = document.documentElement.lang || undefined;
  const datasets = Object.entries(data.series).map(([letter, values], i) => ({
    label: letter, data: values, backgroundColor: COLORS[i % COLORS.length], stack: "shares",
  }));
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets },
    options: {
      locale, responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: { stacked: true },
        y: { stacked: true, min: 0, max: 100, title: { display: true, text: canvas.dataset.axisY || "" } },
      },
    },
  });
})();
