// A project's video on its page in the hall's area: sent resumably (tus, resumable_upload.js)
// with a progress bar, so a dropped connection or a reload continues where it stopped; once it
// is stored the page reloads to show it and its check. Without tus the form posts as before.
(function () {
  "use strict";

  const form = document.getElementById("project-video-form");
  if (!form || !window.resumableUpload || !window.resumableUpload.supported()) return;
  const progress = document.getElementById("project-video-progress");

  function line(text, className) {
    const node = document.createElement("p");
    node.className = `small mb-1 ${className}`;
    node.textContent = text;
    return node;
  }

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
      metadata: { kind: "video" },
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
})();
