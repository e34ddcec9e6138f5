// The event form's place fields: show those the chosen kind of place uses (a city venue, a
// place typed as text, another city, online, a venue plus an online link). Each field's box
// names its kinds in data-place-kinds. Without this script every field shows, and the form
// keeps only what the chosen kind uses.
(function () {
  "use strict";
  var radios = document.querySelectorAll("input[data-place-kind]");
  var boxes = document.querySelectorAll("[data-place-kinds]");
  if (!radios.length || !boxes.length) { return; }

  function chosen() {
    for (var i = 0; i < radios.length; i += 1) {
      if (radios[i].checked) { return radios[i].value; }
    }
    return "venue";
  }

  function update() {
    var kind = chosen();
    Array.prototype.forEach.call(boxes, function (box) {
      var kinds = (box.getAttribute("data-place-kinds") || "").split(" ");
      // A field with an error stays in view, whatever the kind, so the message is seen.
      var hasError = box.querySelector(".is-invalid") !== null;
      box.hidden = kinds.indexOf(kind) === -1 && !hasError;
    });
  }

  Array.prototype.forEach.call(radios, function (radio) {
    radio.addEventListener("change", update);
  });
  update();
})();
