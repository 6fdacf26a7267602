// Alerts page: the threshold field follows the chosen rule type (its hint, and off for the
// types that take none). The server validates regardless; this only saves a round trip.
(function () {
  "use strict";

  const select = document.getElementById("rule-type");
  const threshold = document.getElementById("rule-threshold");
  const hint = document.getElementById("threshold-hint");
  if (!select || !threshold || !hint) return;
  const defaultHint = hint.textContent;

  function sync() {
    const option = select.selectedOptions[0];
    if (!option || !option.value) {
      threshold.disabled = false;
      threshold.required = false;
      hint.textContent = defaultHint;
      return;
    }
    const needs = option.dataset.needsThreshold === "1";
    threshold.disabled = !needs;
    threshold.required = needs;
    if (!needs) threshold.value = "";
    hint.textContent = needs ? "Threshold: " + option.dataset.hint + "." : "This rule type takes no threshold.";
  }

  select.addEventListener("change", sync);
  sync();
})();
