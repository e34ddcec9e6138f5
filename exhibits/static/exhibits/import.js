/* A bulk import's page while a worker runs: ask how far it got once a second (a small JSON
   answer), move the progress bar, and reload the page when the worker is done. One request
   at a time, nothing while the tab is hidden, slower after errors. */
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-import-progress");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-role=label]");
  var delay = 1000;
  var timer = null;

  function show(state) {
    if (bar) {
      if (state.total > 0) {
        bar.max = state.total;
        bar.value = state.done;
      } else {
        bar.removeAttribute("value"); // indeterminate while the total is unknown
      }
      bar.textContent = state.percent + "%";
    }
    if (label && state.label) label.textContent = state.label;
  }

  function ask() {
    timer = null;
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        delay = 1000;
        show(state);
        if (state.pending) {
          later();
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        later();
      });
  }

  function later() {
    if (timer === null) timer = window.setTimeout(ask, delay);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) later();
  });
  later();
})();
