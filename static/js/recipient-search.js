// "Preview as": a subscriber found by the search box becomes the preview's (and the test send's) recipient.
(function () {
  "use strict";
  const results = document.getElementById("recipient-results");
  if (!results) return;
  const search = document.getElementById("recipient-search");
  const chosen = document.getElementById("preview-subscriber");
  const testSend = document.getElementById("test-send-subscriber");
  results.addEventListener("click", (event) => {
    const item = event.target.closest(".recipient-result");
    if (!item) return;
    chosen.value = item.dataset.id;
    if (testSend) testSend.value = item.dataset.id;
    search.value = item.dataset.label;
    results.replaceChildren();
    chosen.dispatchEvent(new Event("change", { bubbles: true }));
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Escape") results.replaceChildren();
  });
})();
