// The office board: refresh counts, leaders and rows every few seconds without a reload,
// and apply a filter as soon as it is chosen. No framework; the server renders the HTML.
(function () {
  "use strict";

  const live = document.getElementById("board-live");
  const filters = document.getElementById("board-filters");

  if (filters) {
    filters.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") filters.requestSubmit();
    });
  }
  if (!live) return;

  const url = live.dataset.url;
  const interval = Math.max(5, Number(live.dataset.interval) || 30) * 1000;
  let timer = null;
  let busy = false;

  async function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const response = await fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
      if (response.redirected || !response.ok) return; // signed out or gone: leave the page as it is
      const html = await response.text();
      live.innerHTML = html;
      live.dispatchEvent(new CustomEvent("board:updated"));
    } catch (error) {
      // offline for a moment: try again at the next tick
    } finally {
      busy = false;
    }
  }

  function start() {
    if (timer === null) timer = window.setInterval(refresh, interval);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) refresh();
  });
  start();
  window.boardRefresh = refresh; // lets a test (or the console) refresh at once
})();
