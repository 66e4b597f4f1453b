// CRM analytics charts: the lead-to-customer funnel and revenue against spend per day.
(function () {
  "use strict";
  const source = document.getElementById("crm-chart-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const options = { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } };
  const funnel = document.getElementById("crm-funnel");
  new window.Chart(funnel, {
    type: "bar",
    data: { labels: [funnel.dataset.labelLeads, funnel.dataset.labelCustomers], datasets: [{ data: data.funnel, backgroundColor: ["#0d6efd", "#198754"] }] },
    options: { ...options, indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const money = document.getElementById("crm-money");
  new window.Chart(money, {
    type: data.days.length > 1 ? "line" : "bar",
    data: {
      labels: data.days,
      datasets: [
        { label: money.dataset.labelRevenue, data: data.revenue.map(Number), borderColor: "#198754", backgroundColor: "#198754" },
        { label: money.dataset.labelSpend, data: data.spend.map(Number), borderColor: "#dc3545", backgroundColor: "#dc3545" },
      ],
    },
    options: { ...options, plugins: { legend: { display: true } }, scales: { y: { beginAtZero: true } } },
  });
})();
