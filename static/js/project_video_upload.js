// A project's video and its PDF documents on its page in the hall's area: sent resumably (tus,
// resumable_upload.js) with a progress bar, so a dropped connection or a reload continues where
// it stopped; once it is stored the page reloads to show it (and a video's check). Each form
// that takes part names its tus endpoint (data-tus-endpoint) and the file's kind
// (data-tus-kind); its other fields (a document's title) go along as the upload's metadata.
// Without tus the forms post as before.
(function () {
  "use strict";

  if (!window.resumableUpload || !window.resumableUpload.supported()) return;

  function line(text, className) {
    const node = document.createElement("p");
    node.className = `small mb-1 ${className}`;
    node.textContent = text;
    return node;
  }

  // The form's fields besides the file and the CSRF token, as tus metadata (strings).
  function fields(form) {
    const metadata = {};
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") metadata[name] = value;
    }
    return metadata;
  }

  function resumable(form) {
    const progress = form.querySelector("[data-upload-progress]");
    form.addEventListener("submit", (event) => {
      const input = form.querySelector("input[type=file]");
      const file = input && input.files[0];
      if (!file) return; // the form says what is missing
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      const label = line(`${form.dataset.msgUploading} ${file.name}`, "text-break");
      const { bar, fill } = window.resumableUpload.progressBar(file.name, "mb-2");
      progress.replaceChildren(label, bar);
      const failed = (problems) => {
        progress.replaceChildren(line(`${file.name}：${(problems.length ? problems : [form.dataset.msgFailed]).join(" ")}`, "text-danger"));
        button.disabled = false;
      };
      window.resumableUpload(file, {
        endpoint: form.dataset.tusEndpoint,
        csrfToken: form.querySelector("[name=csrfmiddlewaretoken]").value,
        metadata: { ...fields(form), kind: form.dataset.tusKind },
        onProgress: (sent, total) => {
          const percent = total > 0 ? Math.round((sent / total) * 100) : 0;
          fill.style.width = `${percent}%`;
          bar.setAttribute("aria-valuenow", String(percent));
        },
        onDone: (answer) => {
          if (Array.isArray(answer.errors) && answer.errors.length) failed(answer.errors);
          else window.location.assign(answer.page || window.location.href);
        },
        onError: failed,
      });
    });
  }

  document.querySelectorAll("form[data-tus-endpoint][data-tus-kind]").forEach(resumable);
})();
