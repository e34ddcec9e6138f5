// The office board: keep counts, leaders and rows current without a reload, show the chosen
// day in the day strip, and apply a filter as soon as it is chosen. No framework; the server
// renders the HTML.
//
// Staying current costs the server almost nothing: every second the board asks for the
// board's version (board:version, a few milliseconds, usually answered 304) and fetches the
// rendered rows (board:live) only when the version moved, when a deadline turns a row
// "missing", or after five quiet minutes. Requests never overlap; a hidden tab asks nothing;
// errors back off up to half a minute.
(function () {
  "use strict";

  const live = document.getElementById("board-live");
  const filters = document.getElementById("board-filters");
  const strip = document.querySelector(".board-days .nav");

  if (filters) {
    filters.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") filters.requestSubmit();
    });
  }

  // The chosen day (today unless another was picked) in the middle of the strip when it can be.
  if (strip) {
    const chosen = strip.querySelector(".nav-link.active") || strip.querySelector(".nav-link .badge");
    const item = chosen && chosen.closest(".nav-item");
    if (item && strip.scrollWidth > strip.clientWidth) {
      strip.scrollLeft = item.offsetLeft - (strip.clientWidth - item.offsetWidth) / 2;
    }
  }
  if (!live) return;

  const url = live.dataset.url;
  const versionUrl = live.dataset.versionUrl;
  const interval = Math.max(0.5, Number(live.dataset.interval) || 1) * 1000;
  const maxBackoff = 30 * 1000;
  const quietRefresh = 5 * 60 * 1000;
  const offline = document.querySelector("[data-role=offline]");

  let shown = "";      // the version the rows on the page show
  let latest = "";     // the newest version the server told
  let etag = null;
  let refreshAt = 0;   // a deadline turns a row "missing" then (ms since the epoch)
  let fetchedAt = 0;
  let failures = 0;
  let timer = null;
  let busy = false;
  let stopped = false;

  function readState() {
    const state = live.querySelector("[data-role=live-state]");
    shown = state ? state.dataset.version || "" : "";
    const seconds = state ? Number(state.dataset.nextChangeIn) : NaN;
    // Half a second after the deadline: the server judges "missing" strictly after it.
    refreshAt = Number.isFinite(seconds) ? Date.now() + seconds * 1000 + 500 : Infinity;
    fetchedAt = Date.now();
  }

  function say(key) {
    if (!offline) return;
    offline.textContent = key ? offline.dataset[key] : "";
    offline.hidden = !key;
  }

  // Fetch the rendered rows and put them in place. Resolves to false when they could not be had.
  async function refresh() {
    const response = await fetch(url, {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.redirected || response.status === 403) return stop();
    if (!response.ok) throw new Error("board: " + response.status);
    live.innerHTML = await response.text();
    readState();
    live.dispatchEvent(new CustomEvent("board:updated"));
    return true;
  }

  async function askVersion() {
    const headers = { "X-Requested-With": "fetch" };
    if (etag) headers["If-None-Match"] = etag;
    const response = await fetch(versionUrl, { headers: headers, credentials: "same-origin", cache: "no-store" });
    if (response.redirected || response.status === 403) return stop();
    if (response.status === 304) return true;
    if (!response.ok) throw new Error("board version: " + response.status);
    const data = await response.json();
    latest = String(data.version);
    etag = response.headers.get("ETag");
    return true;
  }

  function stop() {
    stopped = true; // signed out, or no longer allowed: a reload shows why
    say("signedOut");
    return false;
  }

  async function tick() {
    timer = null;
    if (busy || stopped || document.hidden) return; // visibilitychange starts again
    busy = true;
    let wait = interval;
    try {
      const now = Date.now();
      if (await askVersion()) {
        if (latest !== shown || now >= refreshAt || now - fetchedAt >= quietRefresh) await refresh();
      }
      failures = 0;
      if (!stopped) say(null);
    } catch (error) {
      // Offline or the server is busy: wait longer each time, a little at random so that
      // every board does not come back at the same moment.
      failures += 1;
      wait = Math.min(maxBackoff, interval * Math.pow(2, failures)) * (0.75 + Math.random() / 2);
      if (failures >= 3) say("retrying");
    } finally {
      busy = false;
    }
    schedule(wait);
  }

  function schedule(wait) {
    if (timer !== null) window.clearTimeout(timer);
    timer = null;
    if (!stopped && !document.hidden) timer = window.setTimeout(tick, wait);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      if (timer !== null) window.clearTimeout(timer);
      timer = null;
    } else if (!busy && timer === null) {
      tick(); // back on the tab: ask at once
    }
  });

  readState();
  latest = shown;
  etag = shown ? '"' + shown + '"' : null;
  schedule(interval);
  // Lets a test (or the console) refresh at once.
  window.boardRefresh = function () {
    return refresh().catch(function () { return false; });
  };
})();
