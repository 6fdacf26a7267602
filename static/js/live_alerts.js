// Every signed-in page: new alert notifications arrive live over server-sent events
// (django-eventstream, the desk-wide "alerts" channel). The nav badge follows the unread count,
// a short toast names the ticker and the rule, and the page hears a "pm:alert-notification"
// event (the Alerts page prepends the notification to its feed).
(function () {
  "use strict";

  const region = document.getElementById("alert-toasts");
  if (!region || typeof EventSource === "undefined") return;
  const badge = document.getElementById("nav-unread");
  const badgeCount = badge ? badge.querySelector('[data-testid="nav-unread-count"]') : null;
  const MAX_TOASTS = 3;
  const TOAST_MS = 12000;
  const seen = new Set();

  function setUnread(count) {
    if (!badge || !badgeCount || typeof count !== "number") return;
    badgeCount.textContent = String(count);
    badge.hidden = count <= 0;
  }

  function dismissLater(toast) {
    setTimeout(function () {
      // Not while the PM is reading it or has focus in it.
      if (toast.matches(":hover, :focus-within")) dismissLater(toast);
      else toast.remove();
    }, TOAST_MS);
  }

  function showToast(notification) {
    const toast = document.createElement("div");
    toast.className = "toast";
    toast.dataset.testid = "alert-toast";
    const title = document.createElement("p");
    title.className = "toast-title";
    const ticker = document.createElement("strong");
    ticker.textContent = "New alert: " + notification.ticker;
    const rule = document.createElement("span");
    rule.className = "toast-rule";
    rule.textContent = notification.rule_type;
    title.append(ticker, " · ", rule);
    const message = document.createElement("p");
    message.textContent = notification.message;
    // The playbook card is `playbook` (`suggested_action` is its text, for the earlier clients).
    const playbook = notification.playbook;
    const headline = playbook && typeof playbook.headline === "string" ? playbook.headline : "";
    const link = document.createElement("a");
    link.href = region.dataset.alertsUrl;
    link.textContent = "Open alerts";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss alert for " + notification.ticker);
    close.textContent = "×";
    close.addEventListener("click", function () { toast.remove(); });
    toast.append(close, title, message);
    if (headline) {
      const action = document.createElement("p");
      action.className = "toast-playbook";
      action.dataset.testid = "alert-toast-playbook";
      action.textContent = headline;
      toast.append(action);
    }
    toast.append(link);
    region.append(toast);
    while (region.children.length > MAX_TOASTS) region.firstElementChild.remove();
    dismissLater(toast);
  }

  function refreshCount() {
    fetch(region.dataset.countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) { if (counts) setUnread(counts.unacknowledged); })
      .catch(function () { /* the next event or page load corrects the badge */ });
  }

  // The id to connect from: first the one this page was rendered with, so an event sent
  // between the render and the connection is replayed rather than lost; then the last one seen.
  let lastId = region.dataset.lastEventId || "";
  let source = null;
  let refused = false;

  function remember(event) { if (event.lastEventId) lastId = event.lastEventId; }

  function onNotification(event) {
    remember(event);
    let data;
    try { data = JSON.parse(event.data); } catch (error) { return; }
    const notification = data.notification;
    if (!notification || seen.has(notification.id)) return;
    seen.add(notification.id);
    setUnread(data.unacknowledged);
    showToast(notification);
    document.dispatchEvent(new CustomEvent("pm:alert-notification", { detail: data }));
  }

  function connect() {
    if (source || refused) return;
    let url = region.dataset.eventsUrl;
    if (lastId) url += "?lastEventId=" + encodeURIComponent(lastId);
    source = new EventSource(url);
    source.addEventListener("stream-open", function () { region.dataset.stream = "open"; });
    source.addEventListener("notification", onNotification);
    // The server could not replay from our id (its log moved on): the badge re-reads the count.
    source.addEventListener("stream-reset", function (event) { remember(event); refreshCount(); });
    // Refused (e.g. signed out elsewhere): the server will not resume this stream; stop asking.
    source.addEventListener("stream-error", function () { refused = true; disconnect(); });
  }

  function disconnect() {
    if (source) source.close();
    source = null;
    delete region.dataset.stream;
  }

  // A tab in the background holds no connection (browsers allow only six per server over
  // HTTP/1.1); back in front it reconnects from the last event it saw and catches up.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") disconnect();
    else connect();
  });

  // After every deferred script, so page scripts listening for notifications are in place.
  function start() { if (document.visibilityState !== "hidden") connect(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
