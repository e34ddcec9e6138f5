/* Live relays, recordings and plays (云活动, 云视频). Progressive enhancement: without it the
   pages still link and play (the server decided the states when it rendered the page).

   - States by the clock: an element with data-from / data-until (ISO moments) is shown only
     while from <= now < until, checked at once and every 20 seconds, so a page a cache or CDN
     kept from before the event started or ended shows the right "直播中" / "回放" anyway.
   - HLS relays: <video data-hls="…m3u8" data-hls-lib="…/hls.light.min.js"> plays natively on
     Safari and iOS, else with hls.js, loaded only then.
   - Plays: a <video data-play-url data-play-kind data-play-id> counts once when it starts
     playing; an element with data-count-on-show counts once when it is (or becomes) visible
     (a relay's page opened during the relay); a link with data-play-* counts when clicked.
     The count is a POST beacon with the kind and id only: no cookie, nothing about the viewer.
*/
(function () {
  "use strict";

  function parseMoment(value) {
    var time = value ? Date.parse(value) : NaN;
    return isNaN(time) ? null : time;
  }

  function isShown(element, now) {
    var from = parseMoment(element.getAttribute("data-from"));
    var until = parseMoment(element.getAttribute("data-until"));
    return (from === null || from <= now) && (until === null || now < until);
  }

  var counted = {};
  function countPlay(element) {
    var url = element.getAttribute("data-play-url");
    var kind = element.getAttribute("data-play-kind");
    var id = element.getAttribute("data-play-id");
    if (!url || !kind || !id || counted[kind + ":" + id]) { return; }
    counted[kind + ":" + id] = true;
    var body = new FormData();
    body.append("kind", kind);
    body.append("id", id);
    var sent = false;
    if (navigator.sendBeacon) {
      try { sent = navigator.sendBeacon(url, body); } catch (error) { sent = false; }
    }
    if (!sent && window.fetch) {
      fetch(url, { method: "POST", body: body, credentials: "omit", keepalive: true }).catch(function () {});
    }
  }

  function applyStates() {
    var now = Date.now();
    document.querySelectorAll("[data-from], [data-until]").forEach(function (element) {
      var shown = isShown(element, now);
      if (element.hidden === shown) { element.hidden = !shown; }
      if (shown && element.hasAttribute("data-count-on-show")) { countPlay(element); }
      if (shown) {
        element.querySelectorAll("video[data-hls]").forEach(attachHls);
      } else {
        element.querySelectorAll("video").forEach(function (video) { if (!video.paused) { video.pause(); } });
      }
    });
  }

  var hlsLoading = null;
  function loadHlsLibrary(src) {
    if (window.Hls) { return Promise.resolve(window.Hls); }
    if (!hlsLoading) {
      hlsLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { resolve(window.Hls); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return hlsLoading;
  }

  function showRelayError(video) {
    var message = video.parentNode.querySelector("[data-relay-error]");
    if (message) { message.hidden = false; }
  }

  function playNatively(video, source) {
    video.setAttribute("data-hls-attached", "native");
    video.src = source;
  }

  // Safari and every iOS browser (WebKit, navigator.vendor "Apple Computer, Inc.") play HLS
  // themselves; elsewhere hls.js does, through Media Source Extensions, even where the
  // browser could play HLS too (its errors are then ours to show); a browser with neither
  // gets the message.
  function attachHls(video) {
    if (video.getAttribute("data-hls-attached")) { return; }
    var source = video.getAttribute("data-hls");
    var native = video.canPlayType("application/vnd.apple.mpegurl") !== "";
    var mse = Boolean(window.MediaSource || window.ManagedMediaSource);
    if (native && (/Apple/.test(navigator.vendor || "") || !mse)) {
      playNatively(video, source);
      return;
    }
    video.setAttribute("data-hls-attached", "loading");
    loadHlsLibrary(video.getAttribute("data-hls-lib")).then(function (Hls) {
      if (!Hls || !Hls.isSupported()) {
        if (native) { playNatively(video, source); return; }
        video.setAttribute("data-hls-attached", "unsupported");
        showRelayError(video);
        return;
      }
      // No worker: the Content-Security-Policy allows no blob: scripts.
      var hls = new Hls({ enableWorker: false });
      hls.on(Hls.Events.ERROR, function (_event, data) {
        if (data && data.fatal) { showRelayError(video); }
      });
      hls.loadSource(source);
      hls.attachMedia(video);
      video.setAttribute("data-hls-attached", "hls.js");
    }, function () {
      if (native) { playNatively(video, source); return; }
      video.setAttribute("data-hls-attached", "failed");
      showRelayError(video);
    });
  }

  document.querySelectorAll("video[data-play-kind]").forEach(function (video) {
    video.addEventListener("play", function () { countPlay(video); });
  });
  document.querySelectorAll("a[data-play-kind]").forEach(function (link) {
    link.addEventListener("click", function () { countPlay(link); });
  });
  document.querySelectorAll("video[data-hls]").forEach(function (video) {
    var state = video.closest("[data-from], [data-until]");
    if (!state || !state.hidden) { attachHls(video); }
  });
  document.querySelectorAll("[data-count-on-show]").forEach(function (element) {
    if (!element.hidden && !element.hasAttribute("data-from") && !element.hasAttribute("data-until")) {
      countPlay(element);
    }
  });
  applyStates();
  window.setInterval(applyStates, 20000);
})();
