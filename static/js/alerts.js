// Alerts page: the threshold field follows the chosen rule type (its hint, and off for the
// types that take none). The server validates regardless; this only saves a round trip.
// New notifications arriving live (static/js/live_alerts.js) are prepended to the feed.
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

(function () {
  "use strict";

  const feed = document.getElementById("notifications-feed");
  if (!feed) return;
  const unreadOnly = feed.dataset.unreadOnly === "1";

  function setCounts(data) {
    if (typeof data.unacknowledged === "number") {
      const unread = document.querySelector('[data-testid="unread-count"]');
      if (unread) unread.textContent = String(data.unacknowledged);
      document.querySelectorAll('[data-live="unread"]').forEach(function (el) {
        el.textContent = String(data.unacknowledged);
      });
      const markAll = document.getElementById("acknowledge-all");
      if (markAll) markAll.hidden = data.unacknowledged <= 0;
    }
    if (typeof data.total === "number") {
      document.querySelectorAll('[data-live="total"]').forEach(function (el) {
        el.textContent = String(data.total);
      });
      document.querySelectorAll('[data-live="total-plural"]').forEach(function (el) {
        el.textContent = data.total === 1 ? "" : "s";
      });
    }
  }

  function list() {
    let found = feed.querySelector("ol.feed");
    if (found) return found;
    found = document.createElement("ol");
    found.className = "feed";
    found.dataset.testid = "notifications";
    const empty = feed.querySelector('[data-testid="no-notifications"]');
    if (empty) empty.replaceWith(found);
    else feed.append(found);
    return found;
  }

  function present(id) {
    return feed.querySelector('[data-notification-id="' + id + '"]') !== null;
  }

  // The server renders the item (the same template as the page), so it reads the same.
  function prepend(id) {
    const url = feed.dataset.itemUrl.replace("/0/", "/" + id + "/") + (unreadOnly ? "?unread=1" : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html || present(id)) return;
        const template = document.createElement("template");
        template.innerHTML = html.trim();
        const item = template.content.firstElementChild;
        if (item) list().prepend(item);
      })
      .catch(function () { /* it shows on the next page load */ });
  }

  document.addEventListener("pm:alert-notification", function (event) {
    const data = event.detail || {};
    setCounts(data);
    const notification = data.notification;
    if (notification && !present(notification.id)) prepend(notification.id);
  });
})();
