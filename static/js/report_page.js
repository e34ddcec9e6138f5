// The report page. Nothing here reloads the page, so text typed and not yet saved is never lost:
// - each chosen file uploads on its own (a few at once), with a progress bar and a cancel
//   button; a stored file's card, rendered by the server, is added to the list in place;
//   videos upload resumably (tus) and continue after a dropped connection or a reload;
// - every file's check state stays current through media.json;
// - the report's text, attendance and leaders are saved as the draft a moment after typing
//   stops and when the page is left;
// - deleting a file asks first, then waits a few seconds for an undo before it is sent;
//   replacing a file uploads the new one and then deletes the old one.
(function () {
  "use strict";

  const form = document.getElementById("upload-form");
  const list = document.getElementById("media-list");
  const reportForm = document.getElementById("report-form");
  const UPLOADS_AT_ONCE = 3;
  const AUTOSAVE_AFTER_MS = 2000;
  const RETRY_SAVE_AFTER_MS = 10000;
  const UNDO_MS = 6000;
  // "name：message" in Chinese, "name: message" in English (the page says which).
  const COLON = (form && form.dataset.msgColon) || "：";
  function named(name, message) {
    return `${name}${COLON}${message}`;
  }
  // Not reportUrl: the submit buttons named "action" belong to the form and shadow it.
  const reportUrl = reportForm ? reportForm.getAttribute("action") || window.location.href : "";

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function parseJson(text) {
    try { return JSON.parse(text); } catch (error) { return null; }
  }

  // --- warnings before sending ---------------------------------------------------------

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

  function warningLine(file, warning) {
    return element("li", warning.block ? "text-danger" : "text-warning-emphasis", named(file.name, warning.text));
  }

  function describeSelection() {
    const warnings = document.getElementById("upload-warnings");
    warnings.replaceChildren();
    for (const slot of ["photos", "videos"]) {
      for (const file of form.querySelector(`input[name=${slot}]`).files) {
        const warning = warnAbout(file, slot);
        if (warning) warnings.append(warningLine(file, warning));
      }
    }
  }

  // --- uploads ---------------------------------------------------------------------------

  const queue = [];
  let uploading = 0;

  function uploadRow(label) {
    const row = element("div", "upload-row");
    const head = element("div", "d-flex justify-content-between align-items-center gap-2");
    const text = element("span", "small text-break", label);
    const cancel = element("button", "btn btn-link btn-sm p-0 flex-shrink-0", form.dataset.msgCancel);
    cancel.type = "button";
    head.append(text, cancel);
    const bar = element("div", "progress upload-bar mt-1");
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", label);
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-valuenow", "0");
    const fill = element("div", "progress-bar");
    bar.append(fill);
    row.append(head, bar);
    document.getElementById("upload-progress").append(row);
    return { row, text, cancel, bar, fill };
  }

  function finishRow(ui, ok, message) {
    ui.text.textContent = message;
    ui.text.className = ok ? "small text-break text-success" : "small text-break text-danger";
    ui.cancel.remove();
    ui.bar.remove();
    if (ok) window.setTimeout(() => ui.row.remove(), 5000);
  }

  // One file: { file, slot, caption, label, onStored(created) }.
  function enqueue(job) {
    job.ui = uploadRow(job.label);
    job.ui.cancel.addEventListener("click", () => {
      job.cancelled = true;
      if (job.request) job.request.abort();
      if (job.cancelResolve) job.cancelResolve();
      finishRow(job.ui, false, named(job.file.name, form.dataset.msgCancelled));
      // The last bytes may have reached the server as the button was pressed: if it stored
      // the file, the list shows it (choosing it again would be refused as a duplicate).
      reconcileSoon();
    });
    queue.push(job);
    pump();
  }

  function pump() {
    while (uploading < UPLOADS_AT_ONCE && queue.length > 0) {
      const job = queue.shift();
      if (job.cancelled) continue;
      uploading += 1;
      send(job).finally(() => {
        uploading -= 1;
        pump();
      });
    }
  }

  // Videos go resumably (tus, static/js/resumable_upload.js) where the page offers it: a
  // dropped connection or a reload continues from the last byte stored, not from zero.
  function resumable(job) {
    return job.slot === "videos" && form.dataset.tusEndpoint && window.resumableUpload && window.resumableUpload.supported();
  }

  function showProgress(job, sent, total) {
    const percent = total > 0 ? Math.round((sent / total) * 100) : 0;
    job.ui.fill.style.width = `${percent}%`;
    job.ui.bar.setAttribute("aria-valuenow", String(percent));
  }

  function sendResumable(job) {
    return new Promise((resolve) => {
      const failed = (problems) => {
        finishRow(job.ui, false, named(job.file.name, (problems.length ? problems : [form.dataset.msgFailed]).join(" ")));
        reconcileSoon();
        resolve(false);
      };
      job.request = window.resumableUpload(job.file, {
        endpoint: form.dataset.tusEndpoint,
        csrfToken: form.querySelector("[name=csrfmiddlewaretoken]").value,
        metadata: { kind: "video", caption: job.caption },
        onProgress: (sent, total) => showProgress(job, sent, total),
        onResuming: () => {
          job.ui.text.textContent = `${form.dataset.msgResuming} ${job.file.name}`;
        },
        onDone: (answer) => {
          const errors = Array.isArray(answer.errors) ? answer.errors : [];
          const created = Array.isArray(answer.created) ? answer.created : [];
          if (created.length > 0 && errors.length === 0) {
            document.getElementById("upload-unfinished").classList.add("d-none");
            finishRow(job.ui, true, named(job.file.name, form.dataset.msgUploaded));
            job.onStored(created);
            resolve(true);
          } else {
            failed(errors);
          }
        },
        onError: failed,
      });
      // Cancelling resolves at once: the row already says so.
      job.cancelResolve = () => resolve(false);
    });
  }

  function send(job) {
    if (resumable(job)) return sendResumable(job);
    return new Promise((resolve) => {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      body.append(job.slot, job.file);
      body.append("caption", job.caption);
      const request = new XMLHttpRequest();
      job.request = request;
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) showProgress(job, event.loaded, event.total);
      });
      // Every byte is sent: the server decides now, and a cancel could no longer take the
      // file back, so the button goes and the row says the file is being saved.
      request.upload.addEventListener("load", () => {
        if (job.cancelled) return;
        job.ui.cancel.remove();
        job.ui.text.textContent = `${form.dataset.msgStoring} ${job.file.name}`;
      });
      request.addEventListener("load", () => {
        // Anything but our JSON (a CSRF 403, the login page after the session ended, nginx's
        // 413 or 502) is a failure: the file was not saved.
        const answer = parseJson(request.responseText);
        const errors = answer && Array.isArray(answer.errors) ? answer.errors : [];
        const created = answer && Array.isArray(answer.created) ? answer.created : [];
        const saved = request.status < 400 && created.length > 0 && errors.length === 0;
        if (saved) {
          finishRow(job.ui, true, named(job.file.name, form.dataset.msgUploaded));
          job.onStored(created);
        } else {
          const problems = errors.length ? errors : [form.dataset.msgFailed];
          finishRow(job.ui, false, named(job.file.name, problems.join(" ")));
          reconcileSoon();
        }
        resolve(saved);
      });
      request.addEventListener("error", () => {
        // The connection dropped: the server may have stored the file before its answer was lost.
        finishRow(job.ui, false, named(job.file.name, form.dataset.msgFailed));
        reconcileSoon();
        resolve(false);
      });
      request.addEventListener("abort", () => resolve(false));
      request.send(body);
    });
  }

  function addCard(html, before) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const card = template.content.firstElementChild;
    // The list may have been reconciled with the server while this file's answer was on its way.
    const shown = list.querySelector(`[data-media-id="${card.dataset.mediaId}"]`);
    if (shown) return shown;
    const empty = list.querySelector("[data-role=empty]");
    if (empty) empty.remove();
    if (before) before.before(card); else list.append(card);
    enhance(card);
    schedulePoll(1500);
    return card;
  }

  function uploadChosen(event) {
    event.preventDefault();
    const caption = form.querySelector("[name=caption]");
    let sent = 0;
    for (const slot of ["photos", "videos"]) {
      const input = form.querySelector(`input[name=${slot}]`);
      for (const file of input.files) {
        const warning = warnAbout(file, slot);
        if (warning && warning.block) continue;
        enqueue({
          file,
          slot,
          caption: caption.value,
          label: `${form.dataset.msgUploading} ${file.name}`,
          onStored: (created) => created.forEach((item) => addCard(item.html)),
        });
        sent += 1;
      }
    }
    // Nothing sent (every file blocked by the check above): keep the choice and its warnings.
    if (sent === 0) return;
    for (const slot of ["photos", "videos"]) form.querySelector(`input[name=${slot}]`).value = "";
    caption.value = "";
  }

  function replaceFile(card, input) {
    const file = input.files[0];
    input.value = "";
    if (!file) return;
    const slot = card.dataset.kind === "video" ? "videos" : "photos";
    const warning = warnAbout(file, slot);
    if (warning && warning.block) {
      document.getElementById("upload-warnings").replaceChildren(warningLine(file, warning));
      return;
    }
    const caption = card.querySelector("input[form=report-form]");
    enqueue({
      file,
      slot,
      caption: caption ? caption.value : "",
      label: `${form.dataset.msgReplacing} ${card.dataset.name} → ${file.name}`,
      onStored: (created) => {
        created.forEach((item) => addCard(item.html, card));
        sendDelete({ card, undo: null }, false);
      },
    });
  }

  // --- check states ------------------------------------------------------------------------

  function render(media) {
    const item = list.querySelector(`[data-media-id="${media.id}"]`);
    if (!item) return;
    if (item.dataset.status === media.status) return;
    item.dataset.status = media.status;
    const badge = item.querySelector("[data-role=status]");
    badge.textContent = media.status_label;
    badge.className = `badge media-status media-status-${media.status}`;
    item.querySelector("[data-role=reasons]").replaceChildren(
      ...media.reasons.map((text) => element("li", "", text)),
    );
    if (media.preview_url && !item.querySelector(".media-thumb img")) {
      const image = element("img");
      image.src = media.preview_url;
      image.alt = media.caption || media.name;
      item.querySelector(".media-thumb").replaceChildren(image);
    }
  }

  function renderMissing(missing) {
    const target = document.querySelector("[data-role=missing]");
    if (!target || !Array.isArray(missing)) return;
    target.replaceChildren(...missing.map((text) => element("li", "", text)));
    document.getElementById("missing").classList.toggle("d-none", missing.length === 0);
  }

  function pending() {
    return list && list.querySelector('[data-status="queued"], [data-status="checking"]');
  }

  // The files' check states from the server. With ``withCards`` (after an upload whose answer
  // never came), files the server holds that the page does not show are added with their
  // cards, as a successful upload adds its own.
  async function refresh(withCards = false) {
    try {
      const url = withCards ? `${list.dataset.statusUrl}?cards=1` : list.dataset.statusUrl;
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const answer = await response.json();
      answer.media.forEach((media) => {
        if (withCards) addCard(media.html);
        render(media);
      });
      renderMissing(answer.missing);
    } catch (error) {
      // The network is away for a moment: the next poll, upload or reload tries again.
    }
  }

  let reconcileTimer = null;

  function reconcileSoon() {
    window.clearTimeout(reconcileTimer);
    reconcileTimer = window.setTimeout(() => refresh(true), 1000);
  }

  let pollTimer = null;

  function schedulePoll(delay) {
    if (pollTimer === null) pollTimer = window.setTimeout(poll, delay);
  }

  async function poll() {
    pollTimer = null;
    if (!pending()) return;
    await refresh();
    if (pending()) schedulePoll(2000);
  }

  // --- delete with undo, replace ------------------------------------------------------------

  const pendingDeletes = new Map();
  const modalElement = document.getElementById("delete-modal");
  let cardToDelete = null;

  function askToDelete(card) {
    if (modalElement && window.bootstrap) {
      cardToDelete = card;
      modalElement.querySelector("[data-role=name]").textContent = card.dataset.name;
      window.bootstrap.Modal.getOrCreateInstance(modalElement).show();
    } else if (window.confirm(card.dataset.name)) {
      startDelete(card);
    }
  }

  function startDelete(card) {
    const d = list.dataset;
    const undo = element("li", "list-group-item media-undo small");
    undo.setAttribute("role", "status");
    const undoButton = element("button", "btn btn-sm btn-outline-primary", d.msgUndo);
    undoButton.type = "button";
    undo.append(element("span", "text-break", `${d.msgDeleted} · ${card.dataset.name}`), undoButton);
    card.classList.add("d-none");
    card.after(undo);
    const entry = { card, undo };
    entry.timer = window.setTimeout(() => sendDelete(entry, false), UNDO_MS);
    pendingDeletes.set(card, entry);
    undoButton.addEventListener("click", () => {
      window.clearTimeout(entry.timer);
      pendingDeletes.delete(card);
      undo.remove();
      card.classList.remove("d-none");
      card.querySelector("[data-role=delete-form] button").focus();
    });
    undoButton.focus();
  }

  async function sendDelete(entry, keepalive) {
    const { card, undo } = entry;
    window.clearTimeout(entry.timer);
    pendingDeletes.delete(card);
    if (undo) undo.querySelector("button").remove();
    const deleteForm = card.querySelector("[data-role=delete-form]");
    let deleted = false;
    try {
      const response = await fetch(deleteForm.action, {
        method: "POST",
        body: new FormData(deleteForm),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        keepalive,
      });
      const answer = parseJson(await response.text());
      deleted = response.ok && answer !== null && answer.deleted !== null && answer.deleted !== undefined;
    } catch (error) {
      deleted = false;
    }
    if (deleted) {
      card.remove();
      if (undo) undo.remove();
      refresh();
      return;
    }
    card.classList.remove("d-none");
    const failure = undo || element("li", "list-group-item small");
    failure.replaceChildren(element("span", "text-danger", named(card.dataset.name, list.dataset.msgDeleteFailed)));
    if (!undo) card.after(failure);
    window.setTimeout(() => failure.remove(), 6000);
  }

  function enhance(card) {
    const replace = card.querySelector("[data-role=replace]");
    if (!replace || !form || !window.FormData || !window.XMLHttpRequest) return;
    replace.classList.remove("d-none");
    const input = replace.querySelector("[data-role=replace-input]");
    input.addEventListener("change", () => replaceFile(card, input));
  }

  // --- autosave of the report's draft -----------------------------------------------------

  const status = document.getElementById("autosave-status");
  let dirty = false;
  let saveTimer = null;
  let inFlight = null;
  let submitting = false;

  function showStatus(text, className) {
    if (!status) return;
    status.textContent = text;
    status.className = `small ${className}`;
  }

  function autosaveBody() {
    const body = new FormData(reportForm);
    body.set("action", "autosave");
    return body;
  }

  function errorText(errors) {
    return Object.values(errors).flat().join(" ");
  }

  function edited(event) {
    if (!event.target || event.target.form !== reportForm || submitting) return;
    dirty = true;
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(save, AUTOSAVE_AFTER_MS);
  }

  async function save() {
    saveTimer = null;
    while (inFlight) await inFlight; // one save at a time, in order
    if (!dirty || submitting) return;
    dirty = false;
    const d = reportForm.dataset;
    showStatus(d.msgSaving, "text-muted");
    const run = (async () => {
      let answer = null;
      let response = null;
      try {
        response = await fetch(reportUrl, {
          method: "POST",
          body: autosaveBody(),
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        answer = parseJson(await response.text());
      } catch (error) {
        response = null;
      }
      if (response && response.ok && answer && answer.saved_label) {
        showStatus(answer.saved_label, "text-success");
        renderMissing(answer.missing);
      } else if (response && answer && answer.errors) {
        // The server says what is wrong; saving again helps only after the reporter fixes it.
        showStatus(`${d.msgSaveInvalid}${errorText(answer.errors)}`, "text-danger");
      } else {
        dirty = true;
        showStatus(d.msgSaveFailed, "text-danger");
        if (saveTimer === null) saveTimer = window.setTimeout(save, RETRY_SAVE_AFTER_MS);
      }
    })();
    inFlight = run.finally(() => { inFlight = null; });
    await inFlight;
  }

  // Leaving the page (or hiding it on a phone): send what was typed since the last save.
  function saveOnLeave() {
    if (!dirty || submitting) return;
    window.clearTimeout(saveTimer);
    saveTimer = null;
    dirty = false;
    const body = autosaveBody();
    if (navigator.sendBeacon && navigator.sendBeacon(reportUrl, body)) return;
    fetch(reportUrl, { method: "POST", body, credentials: "same-origin", keepalive: true }).catch(() => {});
  }

  function submitted(event) {
    if (inFlight) {
      // Let the autosave in flight finish first, so the two saves never overlap.
      event.preventDefault();
      const submitter = event.submitter;
      inFlight.then(() => reportForm.requestSubmit(submitter));
      return;
    }
    submitting = true;
    window.clearTimeout(saveTimer);
  }

  // --- wiring ------------------------------------------------------------------------------

  function hintUnfinished() {
    const hint = document.getElementById("upload-unfinished");
    if (!hint || !form.dataset.tusEndpoint || !window.resumableUpload) return;
    const names = window.resumableUpload.unfinished(form.dataset.tusEndpoint).filter(Boolean);
    if (names.length === 0) return;
    hint.textContent = `${form.dataset.msgUnfinished}${names.join("、")}`;
    hint.classList.remove("d-none");
  }

  if (form) {
    hintUnfinished();
    form.addEventListener("change", describeSelection);
    if (window.FormData && window.XMLHttpRequest) form.addEventListener("submit", uploadChosen);
  }
  if (list) {
    list.querySelectorAll(".media-item").forEach(enhance);
    if (window.fetch) {
      list.addEventListener("submit", (event) => {
        const card = event.target.closest(".media-item");
        if (!card) return;
        event.preventDefault();
        askToDelete(card);
      });
    }
  }
  if (modalElement) {
    let confirmed = null;
    modalElement.querySelector("[data-role=confirm]").addEventListener("click", () => {
      confirmed = cardToDelete;
      window.bootstrap.Modal.getOrCreateInstance(modalElement).hide();
    });
    // The undo line (and its focus) comes once the dialog is gone.
    modalElement.addEventListener("hidden.bs.modal", () => {
      const card = confirmed;
      confirmed = null;
      cardToDelete = null;
      if (card) startDelete(card);
    });
  }
  if (reportForm && window.fetch && window.FormData) {
    document.addEventListener("input", edited);
    document.addEventListener("change", edited);
    reportForm.addEventListener("submit", submitted);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") saveOnLeave();
    });
  }
  window.addEventListener("pagehide", () => {
    if (reportForm) saveOnLeave();
    pendingDeletes.forEach((entry) => sendDelete(entry, true));
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) submitting = false;
  });
  schedulePoll(1500);
})();
