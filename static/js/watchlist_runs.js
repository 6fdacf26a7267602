// The watchlist run in progress, kept in this tab's sessionStorage so that a reload mid-run can
// say which tickers were never analysed and offer to run just those. A record is written when a
// run starts, loses each ticker as its result (or error) arrives and is removed when `done`
// arrives; whatever is left after a reload is the unfinished part.
(function () {
  "use strict";

  const PREFIX = "pmresearch:watchlist-run:";
  // A record older than this is from another working session, not an interrupted run.
  const MAX_AGE_MS = 12 * 60 * 60 * 1000;

  function read(key) {
    try {
      const record = JSON.parse(window.sessionStorage.getItem(PREFIX + key) || "null");
      if (!record || !Array.isArray(record.pending)) return null;
      if (Date.now() - Date.parse(record.started) > MAX_AGE_MS) return null;
      return record;
    } catch (ignored) { return null; }
  }

  function write(key, record) {
    try { window.sessionStorage.setItem(PREFIX + key, JSON.stringify(record)); }
    catch (ignored) { /* storage full or disabled: the run still works, only resuming does not */ }
  }

  window.pmWatchlistRuns = {
    start: function (key, tickers) {
      write(key, { started: new Date().toISOString(), total: tickers.length, pending: tickers.slice() });
    },
    settle: function (key, ticker) {
      const record = read(key);
      if (!record) return;
      record.pending = record.pending.filter(function (t) { return t !== ticker; });
      write(key, record);
    },
    finish: function (key) {
      try { window.sessionStorage.removeItem(PREFIX + key); } catch (ignored) { /* nothing kept */ }
    },
    unfinished: function (key) {
      const record = read(key);
      return record && record.pending.length ? record : null;
    },
  };
})();
