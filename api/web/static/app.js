// Progressive enhancement only: every page works without this file.
// The approver pickers: show the first slot and the filled ones, with a button for one more.
(function () {
  "use strict";
  function enhance(fieldset) {
    var slots = Array.prototype.slice.call(fieldset.querySelectorAll(".slot"));
    if (slots.length < 2) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary";
    button.textContent = fieldset.getAttribute("data-add-label") || "+";
    function refresh() {
      slots.forEach(function (slot, index) {
        var filled = slot.querySelector("select").value !== "";
        slot.hidden = !(index === 0 || filled || slot.dataset.opened === "1");
      });
      button.hidden = slots.every(function (slot) { return !slot.hidden; });
    }
    button.addEventListener("click", function () {
      var next = slots.filter(function (slot) { return slot.hidden; })[0];
      if (next) {
        next.dataset.opened = "1";
        next.hidden = false;
        next.querySelector("select").focus();
      }
      refresh();
    });
    fieldset.addEventListener("change", refresh);
    fieldset.appendChild(button);
    refresh();
  }
  document.querySelectorAll("fieldset.people").forEach(enhance);
}());

// The diagram: scroll its box so that the current step is in view.
(function () {
  "use strict";
  var box = document.querySelector(".diagram");
  var current = box && box.querySelector(".current");
  if (!current) { return; }
  var boxRect = box.getBoundingClientRect(), rect = current.getBoundingClientRect();
  box.scrollLeft += rect.left - boxRect.left - (boxRect.width - rect.width) / 2;
  box.scrollTop += rect.top - boxRect.top - (boxRect.height - rect.height) / 2;
}());
