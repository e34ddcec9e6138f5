// The office's report page: full-size photos in a viewer, and keyboard shortcuts
// (A accept, R return, N next, P previous) that stay out of the way while typing.
(function () {
  "use strict";

  // Bootstrap is loaded with defer (base.html): it has run by DOMContentLoaded, not before.
  function setUpViewer() {
    const viewer = document.getElementById("media-viewer");
    if (!viewer || !window.bootstrap) return;
    const modal = new window.bootstrap.Modal(viewer);
    const image = viewer.querySelector(".media-viewer-img");
    const title = viewer.querySelector(".modal-title");
    document.querySelectorAll(".gallery-link").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return; // let a new tab open
        event.preventDefault();
        image.src = link.dataset.full;
        image.alt = link.dataset.caption || "";
        title.textContent = link.dataset.caption || "";
        modal.show();
      });
    });
    viewer.addEventListener("hidden.bs.modal", function () { image.removeAttribute("src"); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpViewer);
  else setUpViewer();

  // Keys typed into a text field are text; a ticked checkbox or a button keeps the shortcuts.
  function typing(target) {
    if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
    return target.tagName === "INPUT" && !["checkbox", "radio", "button", "submit"].includes(target.type);
  }

  function accept() {
    const form = document.getElementById("accept-form");
    if (!form) return;
    const unticked = form.querySelector("input[name=checklist]:not(:checked)");
    if (unticked) {
      unticked.focus();
      unticked.closest("fieldset").classList.add("needs-ticks");
      return;
    }
    form.requestSubmit();
  }

  function go(id) {
    const link = document.getElementById(id);
    if (link) window.location.assign(link.href);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (document.querySelector(".modal.show")) return;
    const key = event.key.toLowerCase();
    if (key === "a") { event.preventDefault(); accept(); }
    else if (key === "r") {
      const comment = document.getElementById("return-comment");
      if (comment) { event.preventDefault(); comment.focus(); }
    }
    else if (key === "n" || key === "j") go("next-link");
    else if (key === "p" || key === "k") go("prev-link");
  });
})();
