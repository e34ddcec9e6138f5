/* The hall's filters: progressive enhancement only; every page reads and filters without it. */
(function () {
  "use strict";
  // Submit the filter form as soon as a select changes (the button still works without JS).
  document.querySelectorAll("form[data-expo-filters] select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form.requestSubmit) { select.form.requestSubmit(); } else { select.form.submit(); }
    });
  });
  // Bring the selected section into view on a narrow screen.
  var active = document.querySelector(".expo-sections .nav-link.active");
  if (active && active.scrollIntoView) {
    active.scrollIntoView({ block: "nearest", inline: "center" });
  }
})();
