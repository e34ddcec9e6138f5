// Searchable unit pickers (承办/协办): Tom Select, vendored in static/vendor/tom-select, on the
// multi-selects the form marks with data-unit-picker. Type to filter, the chosen units show as
// chips. Without this script (or the library) they stay plain multi-selects and still submit.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") { return; }

  // Built as nodes with textContent: the texts come from attributes and must not become markup.
  function node(tag, className, text) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  }

  function enhance(select) {
    var noResults = select.getAttribute("data-no-results") || "";
    var removeLabel = select.getAttribute("data-remove-label") || "";
    var picker = new window.TomSelect(select, {
      plugins: {
        // A real button on every chip: a phone has no Backspace key at hand.
        remove_button: {
          title: removeLabel,
          html: function () {
            var button = node("span", "remove", "×");
            button.setAttribute("role", "button");
            button.setAttribute("aria-label", removeLabel);
            button.title = removeLabel;
            return button;
          }
        },
        // Left and right move the cursor between the chips, so Backspace can remove any one.
        caret_position: {}
      },
      placeholder: select.getAttribute("data-placeholder") || "",
      // Up to a couple of hundred units: list them all, scrolled, not only the first 50.
      maxOptions: null,
      // Filter on every keystroke: the library waits 300 ms by default (meant for remote
      // searches), and Enter pressed in that gap would take the stale first unit.
      refreshThrottle: 0,
      // A phone's dropdown covers the rest of the form: close it once a unit is taken.
      closeAfterSelect: true,
      render: {
        no_results: function () { return node("div", "no-results", noResults); }
      }
    });
    greyOutHost(select, picker);
  }

  // The host may not also be an undertaker or co-organizer: offer it greyed out. A unit that is
  // already a chip stays (the user may be switching hosts); the form's error then says why.
  function greyOutHost(select, picker) {
    var form = select.form;
    var host = form && form.elements.namedItem(select.getAttribute("data-unit-picker-host") || "");
    if (!host || !host.addEventListener) { return; }
    function update() {
      Object.keys(picker.options).forEach(function (value) {
        var option = picker.options[value];
        var isHost = value === host.value;
        if (Boolean(option.disabled) !== isHost) {
          picker.updateOption(value, Object.assign({}, option, { disabled: isHost }));
        }
      });
      picker.refreshOptions(false);
    }
    host.addEventListener("change", update);
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-unit-picker]"), enhance);
})();
