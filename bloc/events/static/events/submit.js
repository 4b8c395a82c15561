// Host your own: show only the coalition partners of the chosen day of action. Without this
// file the partners are listed under their day, and the server checks the choice anyway.
(function () {
  "use strict";
  var daySelect = document.getElementById("id_day");
  var fieldset = document.getElementById("hosting-partners");
  if (!daySelect || !fieldset) { return; }
  var hostSelect = document.getElementById("id_host_partner");
  var coHosts = document.getElementById("id_co_hosts");
  var hostField = document.getElementById("host-partner-field");
  var coHostsField = document.getElementById("co-hosts-field");
  var chooseDay = document.getElementById("partners-choose-day");
  var none = document.getElementById("partners-none");

  function show() {
    var day = daySelect.value;
    var count = 0;
    if (hostSelect) {
      Array.prototype.forEach.call(hostSelect.querySelectorAll("optgroup"), function (group) {
        var match = false;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
          var mine = option.dataset.day === day;
          option.disabled = !mine;
          option.hidden = !mine;
          if (!mine && option.selected) { hostSelect.value = ""; }
          if (mine) { match = true; count += 1; }
        });
        group.hidden = !match;
        group.disabled = !match;
      });
    }
    if (coHosts) {
      Array.prototype.forEach.call(coHosts.children, function (group) {
        var boxes = group.querySelectorAll("input[type=checkbox]");
        var match = boxes.length > 0 && boxes[0].dataset.day === day;
        group.hidden = !match;
        Array.prototype.forEach.call(boxes, function (box) {
          box.disabled = !match; // a disabled box is not submitted
          if (!match) { box.checked = false; }
        });
      });
    }
    chooseDay.hidden = Boolean(day);
    none.hidden = !day || count > 0;
    hostField.hidden = !day || count === 0;
    coHostsField.hidden = !day || count === 0;
  }

  daySelect.addEventListener("change", show);
  show();
})();
