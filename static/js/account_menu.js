// A public page from the shared cache is the same for everybody (core/public_cache.py): when
// somebody is signed in in this browser (the sc_account cookie, kept by
// SignedInMarkerMiddleware), fetch their part of the navigation and put it in place.
(function () {
  "use strict";

  function signedIn() {
    return document.cookie.split(";").some((part) => part.trim() === "sc_account=1");
  }

  function place(html) {
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const links = holder.querySelector('template[data-account-slot="links"]');
    const box = holder.querySelector('template[data-account-slot="box"]');
    const nav = document.querySelector("[data-account-links]");
    const target = document.querySelector("[data-account-box]");
    if (links && nav) nav.append(links.content.cloneNode(true));
    if (box && target) target.replaceChildren(box.content.cloneNode(true));
  }

  function load() {
    const url = document.body.dataset.accountMenuUrl;
    if (!url || !signedIn()) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.status === 200 ? response.text() : ""))
      .then((html) => {
        if (html) place(html);
      })
      .catch(() => {}); // the page works without the menu; the next page asks again
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
  else load();
})();
