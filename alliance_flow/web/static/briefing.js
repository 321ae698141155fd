// Counts the briefing's reasons (one per non-empty line) as they are typed, against the number
// the guide asks for. The server renders the same sentence; this only keeps it live.
(function () {
  "use strict";
  var area = document.getElementById("b-reasons");
  var out = document.getElementById("b-reasons-count");
  if (!area || !out) return;
  var need = parseInt(area.getAttribute("data-needed"), 10) || 5;
  function update() {
    var have = area.value.split(/\r?\n/).filter(function (l) { return l.trim() !== ""; }).length;
    var enough = have >= need;
    var template = out.getAttribute(enough ? "data-template-enough" : "data-template-short");
    out.textContent = template.replace("%(have)s", have).replace("%(need)s", need);
    out.className = "govuk-body af-count af-count--" + (enough ? "enough" : "short");
  }
  area.addEventListener("input", update);
})();
