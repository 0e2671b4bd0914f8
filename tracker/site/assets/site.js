// Filters for the timeline: kind, country, operator and a name search. Without JavaScript the
// form stays hidden and every row is shown.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("timeline");
  if (!form || !table) return;
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-market]"));
  var groups = Array.prototype.slice.call(table.tBodies);
  var shown = document.getElementById("shown");
  var total = rows.length;

  function value(name) {
    var field = form.elements[name];
    return field ? field.value : "";
  }

  function matches(tr, kind, country, operator, words) {
    if (kind && tr.getAttribute("data-kind") !== kind) return false;
    if (country && tr.getAttribute("data-country") !== country) return false;
    if (operator) {
      var ops = tr.getAttribute("data-operators").split("|");
      if (ops.indexOf(operator) < 0) return false;
    }
    var text = tr.getAttribute("data-search");
    for (var i = 0; i < words.length; i++) {
      if (text.indexOf(words[i]) < 0) return false;
    }
    return true;
  }

  function apply() {
    var kind = value("kind"), country = value("country"), operator = value("operator");
    var words = value("q").toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (tr) {
      var ok = matches(tr, kind, country, operator, words);
      tr.hidden = !ok;
      if (ok) count++;
    });
    groups.forEach(function (tbody) {
      tbody.hidden = !tbody.querySelector("tr[data-market]:not([hidden])");
    });
    shown.textContent = count === total ? total + " markets" : count + " of " + total + " markets";
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
