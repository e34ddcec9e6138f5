// Review queue: a "select all" box for bulk approval.
(function () {
  "use strict";
  var all = document.querySelector("[data-select-all]");
  if (!all) { return; }
  var name = all.getAttribute("data-select-all");
  var boxes = document.querySelectorAll("input[type=checkbox][name='" + name + "']");
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
})();
