// An entry's plan, pitch video and the PDFs answering the contest's file questions (inputs
// with data-tus, their own address) on its edit page: a file chosen in the form goes up at once,
// resumably (tus, resumable_upload.js), with a progress bar; a dropped connection or a reload
// continues where it stopped (choose the same file again). The server stores it on the entry
// through the form's checks, so the form's own file field is emptied once it is there and
// saving the form never sends it twice. Without tus the form posts the files as before.
(function () {
  "use strict";

  const form = document.querySelector("form.entry-form[data-tus-plan]");
  if (!form || !window.resumableUpload || !window.resumableUpload.supported()) return;
  const messages = form.dataset;
  const csrfToken = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const buttons = Array.from(form.querySelectorAll("button[type=submit]"));
  let running = 0;

  function line(text, className) {
    const node = document.createElement("p");
    node.className = `small mb-1 ${className}`;
    node.textContent = text;
    return node;
  }

  function busy(change) {
    running += change;
    buttons.forEach((button) => { button.disabled = running > 0; });
  }

  form.addEventListener("submit", (event) => {
    if (running > 0) {
      event.preventDefault();
      window.alert(messages.msgWait);
    }
  });

  const files = [
    ["plan", form.querySelector("input[type=file][name=plan_upload]"), messages.tusPlan],
    ["video", form.querySelector("input[type=file][name=video_upload]"), messages.tusVideo],
    ...Array.from(form.querySelectorAll("input[type=file][data-tus]"), (input) => ["file", input, input.dataset.tus]),
  ];
  files.forEach(([kind, input, endpoint]) => {
    if (!input || !endpoint) return;
    const status = document.createElement("div");
    status.className = "resumable-status";
    status.id = `${kind === "file" ? input.name : kind}-upload-status`;
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", status);
    const left = window.resumableUpload.unfinished(endpoint).filter(Boolean);
    status.replaceChildren(line(left.length ? `${messages.msgUnfinished}${left.join("、")}` : messages.msgHint, "text-muted"));

    input.addEventListener("change", () => {
      const file = input.files[0];
      if (!file) return;
      busy(1);
      const label = line(`${messages.msgUploading} ${file.name}`, "text-break");
      const { bar, fill } = window.resumableUpload.progressBar(file.name, "mb-1");
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "btn btn-link btn-sm px-0";
      cancel.textContent = messages.msgCancel;
      status.replaceChildren(label, bar, cancel);
      let finished = false;
      const end = (node) => {
        if (finished) return;
        finished = true;
        input.value = ""; // stored (or refused) already: saving the form must not send it again
        status.replaceChildren(node);
        busy(-1);
      };
      const upload = window.resumableUpload(file, {
        endpoint,
        csrfToken,
        metadata: { kind },
        onProgress: (sent, total) => {
          const percent = total > 0 ? Math.round((sent / total) * 100) : 0;
          fill.style.width = `${percent}%`;
          bar.setAttribute("aria-valuenow", String(percent));
        },
        onResuming: () => { label.textContent = `${messages.msgResuming} ${file.name}`; },
        onDone: (answer) => {
          if (Array.isArray(answer.errors) && answer.errors.length) {
            end(line(`${file.name}：${answer.errors.join(" ")}`, "text-danger"));
          } else {
            end(line(`${kind === "video" ? messages.msgVideoSaved : messages.msgSaved}：${file.name}`, "text-success"));
          }
        },
        onError: (problems) => {
          end(line(`${file.name}：${(problems.length ? problems : [messages.msgFailed]).join(" ")}`, "text-danger"));
        },
      });
      cancel.addEventListener("click", () => {
        upload.abort();
        end(line(`${messages.msgCancelled}：${file.name}`, "text-muted"));
      });
    });
  });
})();
