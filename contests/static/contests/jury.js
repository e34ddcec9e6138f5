/*
 * A juror's sheet keeps every score it has not yet seen saved.
 *
 * Each change goes first to localStorage (key "jury:<juror>:pending", one item per entrant and
 * criterion with the newest value and its sequence number), then to the server, one request
 * at a time. An item leaves the queue only when the server answered for that very change,
 * so a dropped connection, a closed tab or a reload loses nothing: any jury page of the same
 * juror sends what is left, on load, when the browser is back online, and with a growing
 * pause after each failure. The server keeps the newest change by sequence number, so a
 * resend can never overwrite a later score.
 *
 * Without JavaScript the sheet's form posts every score (same service, same rules).
 */
(function () {
  "use strict";

  var page = document.querySelector("[data-jury-pending]");
  if (!page) {
    return;
  }
  var juror = page.getAttribute("data-juror");
  var storeKey = "jury:" + juror + ":pending";
  var form = document.querySelector("form[data-jury-sheet]");
  var statusLines = document.querySelectorAll("[data-save-status]");
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var messages = {
    saved: page.getAttribute("data-msg-saved"),
    saving: page.getAttribute("data-msg-saving"),
    pending: page.getAttribute("data-msg-pending"),
    error: page.getAttribute("data-msg-error")
  };
  var sending = false;
  var retryDelay = 2000;
  var retryTimer = null;
  var counter = 0;
  var navigateWhenDone = null;

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function save(pending) {
    try {
      window.localStorage.setItem(storeKey, JSON.stringify(pending));
    } catch (error) {
      /* storage full or off: the request still goes out */
    }
  }

  function nextSeq() {
    counter = (counter + 1) % 1000;
    return Date.now() * 1000 + counter;
  }

  function say(text, isError) {
    for (var i = 0; i < statusLines.length; i++) {
      statusLines[i].textContent = text;
      statusLines[i].classList.toggle("text-danger", Boolean(isError));
    }
  }

  function showQueue() {
    var count = Object.keys(load()).length;
    if (count) {
      say(messages.pending.replace("{count}", String(count)), true);
    }
  }

  function enqueue(key, item) {
    var pending = load();
    pending[key] = item;
    save(pending);
  }

  function drop(key, seq) {
    var pending = load();
    if (pending[key] && pending[key].seq === seq) {
      delete pending[key];
      save(pending);
    }
  }

  function scheduleRetry() {
    if (retryTimer) {
      return;
    }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function flush() {
    if (sending) {
      return;
    }
    var pending = load();
    var keys = Object.keys(pending);
    if (!keys.length) {
      retryDelay = 2000;
      say(messages.saved, false);
      if (navigateWhenDone) {
        window.location.href = navigateWhenDone;
      }
      return;
    }
    var key = keys[0];
    var item = pending[key];
    sending = true;
    say(messages.saving, false);
    var request = new XMLHttpRequest();
    request.open("POST", item.url);
    request.setRequestHeader("Content-Type", "application/json");
    request.setRequestHeader("X-CSRFToken", csrf);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.timeout = 15000;
    request.onload = function () {
      sending = false;
      var answer = {};
      try {
        answer = JSON.parse(request.responseText || "{}");
      } catch (error) {
        answer = {};
      }
      if (request.status === 200) {
        drop(key, item.seq);
        retryDelay = 2000;
        flush();
      } else if (request.status === 400 || request.status === 404 || request.status === 409) {
        // Refused for good (a wrong value, a locked sheet): resending would be refused again.
        drop(key, item.seq);
        navigateWhenDone = null;
        say(messages.error + (answer.error || request.status), true);
        if (Object.keys(load()).length) {
          window.setTimeout(flush, 500);
        }
      } else {
        showQueue();
        scheduleRetry();
      }
    };
    request.onerror = request.ontimeout = function () {
      sending = false;
      showQueue();
      scheduleRetry();
    };
    request.send(JSON.stringify(item.body));
  }

  function queueScore(input) {
    var raw = input.value.trim();
    if (raw === "" || isNaN(Number(raw))) {
      return false;
    }
    var seq = nextSeq();
    enqueue(form.getAttribute("data-entry") + ":" + input.getAttribute("data-criterion"), {
      url: form.getAttribute("data-score-url"),
      seq: seq,
      body: { criterion: Number(input.getAttribute("data-criterion")), value: raw, seq: seq }
    });
    return true;
  }

  function queueComment(area) {
    var seq = nextSeq();
    enqueue(form.getAttribute("data-entry") + ":comment", {
      url: form.getAttribute("data-score-url"),
      seq: seq,
      body: { comment: area.value }
    });
  }

  if (form && !form.hasAttribute("data-locked")) {
    var pending = load();
    var inputs = form.querySelectorAll("input[data-criterion]");
    var timers = {};
    Array.prototype.forEach.call(inputs, function (input) {
      // What this phone typed and has not sent yet is what the juror last saw: show it.
      var waiting = pending[form.getAttribute("data-entry") + ":" + input.getAttribute("data-criterion")];
      if (waiting && waiting.seq > Number(input.getAttribute("data-seq") || 0)) {
        input.value = waiting.body.value;
      }
      function commit() {
        window.clearTimeout(timers[input.id]);
        if (queueScore(input)) {
          flush();
        }
      }
      input.addEventListener("input", function () {
        window.clearTimeout(timers[input.id]);
        timers[input.id] = window.setTimeout(commit, 600);
      });
      input.addEventListener("change", commit);
    });
    var comment = form.querySelector("textarea[data-comment]");
    if (comment) {
      var waitingComment = pending[form.getAttribute("data-entry") + ":comment"];
      if (waitingComment) {
        comment.value = waitingComment.body.comment;
      }
      comment.addEventListener("change", function () {
        queueComment(comment);
        flush();
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      Array.prototype.forEach.call(inputs, function (input) {
        if (input.value.trim() !== "" && String(input.defaultValue) !== input.value) {
          queueScore(input);
        }
      });
      if (comment && comment.value !== comment.defaultValue) {
        queueComment(comment);
      }
      navigateWhenDone = form.getAttribute("data-next-url");
      flush();
    });
  }

  window.addEventListener("online", function () {
    retryDelay = 2000;
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
    flush();
  });
  if (Object.keys(load()).length) {
    flush();
  }
})();
