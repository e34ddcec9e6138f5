// The report page: warn about plainly wrong files before sending, upload each file with its
// own progress bar, and keep every file's check state current without a reload.
(function () {
  "use strict";

  const form = document.getElementById("upload-form");
  const list = document.getElementById("media-list");

  function warnAbout(file, slot) {
    const d = form.dataset;
    const name = file.name.toLowerCase();
    if (slot === "photos") {
      if (file.size > Number(d.photoMax)) return { block: true, text: d.msgTooLarge };
      if (!(file.type === "image/jpeg" || /\.jpe?g$/.test(name))) return { text: d.msgNotJpeg };
      if (file.size < Number(d.photoMin)) return { text: d.msgTooSmall };
    } else {
      if (file.size > Number(d.videoMax)) return { block: true, text: d.msgTooLarge };
      if (file.type && !file.type.startsWith("video/")) return { text: d.msgNotVideo };
    }
    return null;
  }

  function describeSelection() {
    const warnings = document.getElementById("upload-warnings");
    warnings.replaceChildren();
    for (const slot of ["photos", "videos"]) {
      const input = form.querySelector(`input[name=${slot}]`);
      for (const file of input.files) {
        const warning = warnAbout(file, slot);
        if (!warning) continue;
        const item = document.createElement("li");
        item.className = warning.block ? "text-danger" : "text-warning-emphasis";
        item.textContent = `${file.name}：${warning.text}`;
        warnings.append(item);
      }
    }
  }

  function progressBar(label) {
    const wrap = document.createElement("div");
    wrap.className = "mb-1";
    const text = document.createElement("div");
    text.className = "small";
    text.textContent = label;
    const bar = document.createElement("div");
    bar.className = "progress upload-bar";
    bar.setAttribute("role", "progressbar");
    const fill = document.createElement("div");
    fill.className = "progress-bar";
    bar.append(fill);
    wrap.append(text, bar);
    document.getElementById("upload-progress").append(wrap);
    return { text, bar, fill };
  }

  function sendOne(file, slot) {
    return new Promise((resolve) => {
      const ui = progressBar(`${form.dataset.msgUploading} ${file.name}`);
      const body = new FormData();
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      body.append(slot, file);
      body.append("caption", form.querySelector("[name=caption]").value);
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (event) => {
        if (!event.lengthComputable) return;
        const percent = Math.round((event.loaded / event.total) * 100);
        ui.fill.style.width = `${percent}%`;
        ui.bar.setAttribute("aria-valuenow", String(percent));
      });
      request.addEventListener("load", () => {
        // Anything but our JSON (a CSRF 403, the login page after the session ended, nginx's
        // 413 or 502) is a failure: the file was not saved.
        let answer = null;
        try { answer = JSON.parse(request.responseText); } catch (error) { answer = null; }
        const errors = answer && Array.isArray(answer.errors) ? answer.errors : [];
        const saved = request.status < 400 && answer !== null && Array.isArray(answer.created) && errors.length === 0;
        const problems = errors.length ? errors : [form.dataset.msgFailed];
        ui.text.textContent = saved ? file.name : `${file.name}：${problems.join(" ")}`;
        ui.text.className = saved ? "small text-success" : "small text-danger";
        ui.fill.style.width = "100%";
        resolve(saved);
      });
      request.addEventListener("error", () => {
        ui.text.textContent = `${file.name}：${form.dataset.msgFailed}`;
        ui.text.className = "small text-danger";
        resolve(false);
      });
      request.send(body);
    });
  }

  async function uploadAll(event) {
    event.preventDefault();
    const jobs = [];
    for (const slot of ["photos", "videos"]) {
      for (const file of form.querySelector(`input[name=${slot}]`).files) {
        const warning = warnAbout(file, slot);
        if (warning && warning.block) continue;
        jobs.push([file, slot]);
      }
    }
    let allFine = true;
    for (const [file, slot] of jobs) {
      allFine = (await sendOne(file, slot)) && allFine;
    }
    // Nothing sent (every file blocked by the check above): keep the page and its warnings.
    if (allFine && jobs.length > 0) window.location.reload();
  }

  function render(media) {
    const item = list.querySelector(`[data-media-id="${media.id}"]`);
    if (!item) return false;
    if (item.dataset.status === media.status) return true;
    item.dataset.status = media.status;
    const badge = item.querySelector("[data-role=status]");
    badge.textContent = media.status_label;
    badge.className = `badge media-status media-status-${media.status}`;
    const reasons = item.querySelector("[data-role=reasons]");
    reasons.replaceChildren(...media.reasons.map((text) => {
      const line = document.createElement("li");
      line.textContent = text;
      return line;
    }));
    if (media.preview_url && !item.querySelector(".media-thumb img")) {
      const image = document.createElement("img");
      image.src = media.preview_url;
      image.alt = media.caption || media.name;
      item.querySelector(".media-thumb").replaceChildren(image);
    }
    return true;
  }

  function renderMissing(missing) {
    const target = document.querySelector("[data-role=missing]");
    if (!target) return;
    if (missing.length === 0) {
      document.getElementById("missing").remove();
      return;
    }
    target.replaceChildren(...missing.map((text) => {
      const line = document.createElement("li");
      line.textContent = text;
      return line;
    }));
  }

  function pending() {
    return list && list.querySelector('[data-status="queued"], [data-status="checking"]');
  }

  async function poll() {
    if (!pending()) return;
    try {
      const response = await fetch(list.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const answer = await response.json();
        answer.media.forEach(render);
        renderMissing(answer.missing);
      }
    } finally {
      if (pending()) window.setTimeout(poll, 2000);
    }
  }

  if (form) {
    form.addEventListener("change", describeSelection);
    if (window.FormData && window.XMLHttpRequest) form.addEventListener("submit", uploadAll);
  }
  window.setTimeout(poll, 1500);
})();
