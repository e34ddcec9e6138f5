// Resumable uploads (tus 1.0) for the pages that take large files, over the vendored
// tus-js-client (static/vendor/tus-js-client/). window.resumableUpload(file, options) starts
// one and returns { abort() }:
// - the file goes in chunks (about a fortieth of it, 1–32 MiB), so a dropped connection
//   costs at most the chunk in flight; the client retries by itself (retryDelays), asking the
//   server how far it got first, and continues from there on the same page;
// - the upload's address is kept in localStorage under the file's fingerprint (name, type,
//   size, date), so choosing the same file again after a reload continues it, too;
// - when every byte is there, the server's answer for the page (the new file's card, or the
//   reasons it was refused) is fetched from the upload's address (GET, JSON).
// options: endpoint, csrfToken, metadata (strings), onProgress(sent, total),
// onResuming(offset), onDone(answer), onError(messages).
(function () {
  "use strict";

  const MIB = 1024 * 1024;
  const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];

  function chunkSize(size) {
    return Math.min(32 * MIB, Math.max(MIB, Math.ceil(size / 40)));
  }

  function parseJson(text) {
    try { return JSON.parse(text); } catch (error) { return null; }
  }

  // The reasons of a refused request: our JSON's errors, else nothing (the caller says "failed").
  function reasons(error) {
    const response = error && error.originalResponse;
    const answer = response ? parseJson(response.getBody() || "") : null;
    return answer && Array.isArray(answer.errors) ? answer.errors : [];
  }

  async function result(url, attempts) {
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        const answer = parseJson(await response.text());
        if (answer && (Array.isArray(answer.created) || Array.isArray(answer.errors))) return answer;
      } catch (error) {
        // The network is away for a moment: ask again.
      }
      await new Promise((resolve) => window.setTimeout(resolve, 1000 * (attempt + 1)));
    }
    return null;
  }

  function supported() {
    return Boolean(window.tus && window.tus.isSupported && window.fetch);
  }

  function resumableUpload(file, options) {
    let stopped = false;
    const upload = new window.tus.Upload(file, {
      endpoint: options.endpoint,
      chunkSize: chunkSize(file.size),
      retryDelays: RETRY_DELAYS,
      removeFingerprintOnSuccess: true,
      metadata: { filename: file.name, filetype: file.type || "", ...options.metadata },
      headers: { "X-CSRFToken": options.csrfToken },
      onProgress: (sent, total) => options.onProgress(sent, total),
      onError: (error) => {
        if (!stopped) options.onError(reasons(error));
      },
      onSuccess: async () => {
        const answer = await result(upload.url, 5);
        if (answer === null) options.onError([]);
        else options.onDone(answer);
      },
    });
    upload.findPreviousUploads().then((previous) => {
      if (stopped) return;
      // The newest unfinished upload of this very file to this very place: continue it.
      const mine = previous.filter((item) => item.uploadUrl).sort((a, b) => (a.creationTime < b.creationTime ? 1 : -1));
      if (mine.length > 0) {
        upload.resumeFromPreviousUpload(mine[0]);
        if (options.onResuming) options.onResuming();
      }
      upload.start();
    });
    return {
      // Cancel: the server forgets the bytes (termination) and the browser the address.
      abort() {
        stopped = true;
        upload.abort(true).catch(() => {});
      },
    };
  }

  // The uploads to ``endpoint`` this browser left unfinished (their names), for a hint after a reload.
  function unfinished(endpoint) {
    const names = [];
    try {
      for (let index = 0; index < window.localStorage.length; index += 1) {
        const key = window.localStorage.key(index);
        if (!key || !key.startsWith("tus::")) continue;
        const item = parseJson(window.localStorage.getItem(key));
        const url = item && item.uploadUrl ? new URL(item.uploadUrl, window.location.href) : null;
        if (url && url.pathname.startsWith(new URL(endpoint, window.location.href).pathname)) {
          names.push((item.metadata && item.metadata.filename) || "");
        }
      }
    } catch (error) {
      // No localStorage (a private window): nothing to continue.
    }
    return names;
  }

  // A Bootstrap progress bar for a file being sent: { bar, fill } (fill's width is the share sent).
  function progressBar(name, spacing) {
    const bar = document.createElement("div");
    bar.className = `progress ${spacing}`;
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", name);
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    const fill = document.createElement("div");
    fill.className = "progress-bar";
    bar.append(fill);
    return { bar, fill };
  }

  window.resumableUpload = resumableUpload;
  window.resumableUpload.progressBar = progressBar;
  window.resumableUpload.supported = supported;
  window.resumableUpload.unfinished = unfinished;
})();
