// Live preview of an event's full title: the week's unified title + the subtitle being typed.
(function () {
  "use strict";
  var preview = document.getElementById("full-title-preview");
  var input = document.querySelector("[data-full-title-source]");
  if (!preview || !input) { return; }
  var unified = preview.getAttribute("data-unified-title") || "";
  var separator = preview.getAttribute("data-separator") || "";
  function update() {
    var subtitle = input.value.trim();
    preview.textContent = subtitle ? unified + separator + subtitle : unified;
  }
  input.addEventListener("input", update);
  update();
})();
