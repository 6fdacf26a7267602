// Watchlist page: "Analyze all" with live per-ticker progress (a streamed POST read as server-sent
// events), and the ranked opportunities table: sortable headers, filters that re-query the JSON
// endpoint, and a CSV link that always carries the filters of the table on screen.
(function () {
  "use strict";

  // ---- Shared helpers ------------------------------------------------------------------------

  function csrfToken() {
    try {
      const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (ignored) { /* fall back to a form's token */ }
    const input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function isBlank(value) { return value === null || value === undefined || value === ""; }

  function fixed(value, digits) { return isBlank(value) ? "—" : Number(value).toFixed(digits); }

  // New York wall time with its zone, "2025-06-13 16:00 EDT": the text the server renders
  // (pmresearch.formatting.ny_time), whatever the browser's own zone.
  const NEW_YORK_PARTS = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/New_York", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short",
  });

  function nyText(iso) {
    if (isBlank(iso)) return "";
    const moment = new Date(iso);
    if (isNaN(moment.getTime())) return String(iso);
    const part = {};
    NEW_YORK_PARTS.formatToParts(moment).forEach(function (p) { part[p.type] = p.value; });
    return part.year + "-" + part.month + "-" + part.day + " " + part.hour + ":" + part.minute + " " +
      part.timeZoneName;
  }

  // A percent with its sign and unit, "+1.20 %", as pmresearch.formatting.signed_pct writes it.
  function signedPct(value) {
    if (isBlank(value) || !isFinite(Number(value))) return "—";
    const number = Number(value);
    const text = Math.abs(number).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    if (/^[0.,]*$/.test(text)) return text + " %";
    return (number > 0 ? "+" : "-") + text + " %";
  }

  function utcIso(iso) {
    const moment = new Date(iso);
    return isNaN(moment.getTime()) ? String(iso) : moment.toISOString();
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs.text;
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function timeEl(iso) { return el("time", { datetime: utcIso(iso), text: nyText(iso) }); }

  function actionLabel(action) {
    if (isBlank(action)) return "";
    if (typeof action === "object") return action.action ? String(action.action) : "";
    return String(action);
  }

  function detailOf(response) {
    return response.json().then(function (body) {
      return (body && body.detail) || "The request failed (HTTP " + response.status + ").";
    }, function () { return "The request failed (HTTP " + response.status + ")."; });
  }

  // The paste box takes many lines, but Enter alone adds what was typed, as the one-line box did.
  const pasteBox = document.getElementById("add-ticker");
  if (pasteBox && pasteBox.form) {
    pasteBox.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      pasteBox.form.requestSubmit();
    });
  }

  // A destructive form asks first.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (!window.confirm(f.dataset.confirm)) event.preventDefault();
    });
  });

  // ---- Ranked opportunities -------------------------------------------------------------------

  const section = document.getElementById("opportunities");
  const table = document.getElementById("opps-table");
  const tbody = document.getElementById("opps-body");
  const headers = table ? Array.from(table.querySelectorAll("thead th[data-key]")) : [];
  let sortKey = "rank";
  let sortDir = "ascending";

  function cellValue(row, index, type) {
    const raw = row.cells[index].dataset.value;
    if (isBlank(raw)) return null;
    if (type === "number") {
      const number = parseFloat(raw);
      return isNaN(number) ? null : number;
    }
    return raw.toLowerCase();
  }

  function applySort() {
    if (!table) return;
    const index = headers.findIndex(function (th) { return th.dataset.key === sortKey; });
    if (index < 0) return;
    const type = headers[index].dataset.type;
    const rankIndex = headers.findIndex(function (th) { return th.dataset.key === "rank"; });
    const sign = sortDir === "ascending" ? 1 : -1;
    const rows = Array.from(tbody.rows);
    rows.sort(function (a, b) {
      const x = cellValue(a, index, type);
      const y = cellValue(b, index, type);
      if (x === null && y !== null) return 1; // blanks last, whichever the direction
      if (y === null && x !== null) return -1;
      if (x !== null && y !== null && x !== y) return (x < y ? -1 : 1) * sign;
      return (cellValue(a, rankIndex, "number") || 0) - (cellValue(b, rankIndex, "number") || 0);
    });
    rows.forEach(function (row) { tbody.appendChild(row); });
    headers.forEach(function (th) {
      if (th.dataset.key === sortKey) th.setAttribute("aria-sort", sortDir);
      else th.removeAttribute("aria-sort");
    });
  }

  headers.forEach(function (th) {
    const button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      if (th.dataset.key === sortKey) sortDir = sortDir === "ascending" ? "descending" : "ascending";
      // A new column starts best first: the highest EV, confidence or quality on top; rank 1 and
      // text columns from the start of the alphabet.
      else sortDir = th.dataset.type === "number" && th.dataset.key !== "rank" ? "descending" : "ascending";
      sortKey = th.dataset.key;
      applySort();
    });
  });

  function cell(value, children) {
    return el("td", { "data-value": isBlank(value) ? "" : String(value) }, children);
  }

  function opportunityRow(o) {
    const tickerCell = [el("a", { href: "/analysis/" + encodeURIComponent(o.ticker) + "/", text: o.ticker })];
    if (o.is_demo_data) {
      tickerCell.push(" ", el("span", { class: "badge demo", title: "Synthetic market data from the demo provider",
        text: "Demo data" }));
    }
    const call = isBlank(o.recommendation) ? ["—"]
      : [el("span", { class: "call call-" + String(o.recommendation).toLowerCase(), text: o.recommendation })];
    const confidence = isBlank(o.confidence_calibrated) ? ["—"] : [fixed(o.confidence_calibrated, 2)];
    if (!isBlank(o.confidence_calibrated) && !isBlank(o.calibration_sample_size)) {
      confidence.push(" ", el("small", { text: "n=" + o.calibration_sample_size }));
    }
    const action = actionLabel(o.optimizer_action);
    const row = el("tr", { "data-ticker": o.ticker, "data-analysis-id": isBlank(o.analysis_id) ? "" : o.analysis_id }, [
      cell(o.rank, [isBlank(o.rank) ? "—" : String(o.rank)]),
      cell(o.ticker, tickerCell),
      cell(o.recommendation, call),
      cell(o.expected_net_return_pct, isBlank(o.expected_net_return_pct) ? ["—"]
        : [signedPct(o.expected_net_return_pct), " ", el("small", { text: o.expected_return_source || "" })]),
      cell(o.ev_score_7d, [signedPct(o.ev_score_7d)]),
      cell(o.confidence_calibrated, confidence),
      cell(o.data_quality_score, [isBlank(o.data_quality_score) ? "—" : fixed(o.data_quality_score, 1) + "/100"]),
      cell(o.capacity_usd, [isBlank(o.capacity_usd) ? "—"
        : "$" + Math.round(Number(o.capacity_usd)).toLocaleString("en-US")]),
      cell(o.regime_label, [isBlank(o.regime_label) ? "—" : String(o.regime_label)]),
      cell(action, [action ? el("span", { class: "opt-action opt-action-" + action.toLowerCase(),
        text: action.toUpperCase() }) : "—"]),
      cell(isBlank(o.as_of) ? "" : utcIso(o.as_of), [isBlank(o.as_of) ? "—" : timeEl(o.as_of)]),
      el("td", {}, [isBlank(o.analysis_id) ? "—" : el("a", {
        href: "/api/analysis/" + encodeURIComponent(o.ticker) + "/export/pdf?analysis_id=" +
          encodeURIComponent(o.analysis_id),
        "data-testid": "row-pdf", download: "", "aria-label": "PDF report of " + o.ticker, text: "PDF" })]),
    ]);
    return row;
  }

  function renderOpportunities(data) {
    const rows = (data.opportunities || []).map(opportunityRow);
    tbody.replaceChildren.apply(tbody, rows);
    applySort();
    const status = document.getElementById("opps-status");
    status.replaceChildren("Ranked from each ticker's latest analysis at ", timeEl(data.generated_at),
      ": " + (data.total_count !== undefined ? data.total_count : rows.length) + " shown.");
    document.getElementById("opps-empty").hidden = rows.length > 0;
    const missing = document.getElementById("opps-missing");
    missing.hidden = !(data.missing && data.missing.length);
    missing.textContent = missing.hidden ? "" : "No usable analysis yet for " + data.missing.join(", ") + ".";
    const unranked = document.getElementById("opps-unranked");
    if (unranked) {
      unranked.hidden = !(data.unranked && data.unranked.length);
      unranked.textContent = unranked.hidden ? ""
        : "Not ranked, their latest analysis carries no signal contract (v1): " + data.unranked.join(", ") + ".";
    }
  }

  const filterForm = document.getElementById("opps-filters");
  const csvLink = document.getElementById("opps-csv");
  const oppsError = document.getElementById("opps-error");
  let requestSeq = 0;

  function filterParams() {
    const params = new URLSearchParams();
    [["min_quality", "min-quality"], ["min_ev", "min-ev"]].forEach(function (pair) {
      const value = document.getElementById(pair[1]).value.trim();
      if (value) params.set(pair[0], value);
    });
    // The page ranks by the call's expected net return, as its note says.
    params.set("sort", "expected_net_return");
    return params;
  }

  function withQuery(base, params) {
    const query = params.toString();
    return query ? base + "?" + query : base;
  }

  // Re-query the endpoint; the table, the CSV link and the address bar change together, and only
  // once the answer for these filters is on screen.
  function refreshOpportunities() {
    if (!section) return Promise.resolve();
    const params = filterParams();
    const seq = ++requestSeq;
    section.setAttribute("aria-busy", "true");
    return fetch(withQuery(section.dataset.url, params), {
      // This page reads the v2 fields (EV, calibrated confidence, data quality): say so.
      headers: { Accept: "application/json", "X-Signal-Contract": "v2" }, credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) return detailOf(response).then(function (detail) { throw new Error(detail); });
      return response.json();
    }).then(function (data) {
      if (seq !== requestSeq) return;
      renderOpportunities(data);
      oppsError.hidden = true;
      oppsError.textContent = "";
      csvLink.href = withQuery(section.dataset.csvUrl, params);
      csvLink.hidden = false;
      // The address keeps the filters (a reload shows the same table), even after a form's 400.
      const pagePath = filterForm ? filterForm.getAttribute("action") : window.location.pathname;
      const address = new URLSearchParams(params);
      address.delete("sort");  // the page always ranks this way; the address keeps the filters only
      window.history.replaceState(null, "", withQuery(pagePath, address));
    }).catch(function (error) {
      if (seq !== requestSeq) return;
      oppsError.textContent = error.message || "Could not load the ranked opportunities.";
      oppsError.hidden = false;
    }).finally(function () {
      if (seq === requestSeq) section.removeAttribute("aria-busy");
    });
  }

  if (filterForm) {
    let timer = null;
    filterForm.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      refreshOpportunities();
    });
    filterForm.addEventListener("input", function (event) {
      if (event.target.tagName !== "INPUT") return;
      window.clearTimeout(timer);
      if (!event.target.checkValidity()) return; // the browser shows why on submit
      timer = window.setTimeout(refreshOpportunities, 350);
    });
  }

  // ---- Analyze all ----------------------------------------------------------------------------

  // Server-sent events from a fetch() body: frames end with a blank line, with `event:` and
  // `data:` lines (several data lines join with newlines); comment lines start with ":".
  function sseParser(onEvent) {
    let buffer = "";
    function dispatch(frame) {
      let name = "message";
      const data = [];
      frame.split(/\r\n|\r|\n/).forEach(function (line) {
        if (!line || line.charAt(0) === ":") return;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.charAt(0) === " ") value = value.slice(1);
        if (field === "event") name = value;
        else if (field === "data") data.push(value);
      });
      if (!data.length) return;
      let payload = data.join("\n");
      try { payload = JSON.parse(payload); } catch (ignored) { /* keep the text */ }
      onEvent(name, payload);
    }
    return {
      push: function (text) {
        buffer += text;
        const frames = buffer.split(/\r\n\r\n|\n\n|\r\r/);
        buffer = frames.pop();
        frames.forEach(dispatch);
      },
      end: function () { if (buffer.trim()) dispatch(buffer); buffer = ""; },
    };
  }

  const panel = document.querySelector(".analyze-panel");
  const form = document.getElementById("analyze-form");
  if (!panel || !form) return;
  const button = document.getElementById("analyze-all");
  const progress = document.getElementById("analyze-progress");
  const summary = document.getElementById("analyze-summary");

  function tickerRow(ticker) {
    return document.querySelector('#ticker-progress li[data-ticker="' + CSS.escape(String(ticker)) + '"]');
  }

  function setTicker(ticker, state, outcome) {
    const row = tickerRow(ticker);
    if (!row) return;
    if (state === "running" && row.dataset.state !== "waiting") return; // never step back
    row.dataset.state = state;
    row.querySelector(".state").textContent = state;
    if (outcome !== undefined) row.querySelector(".outcome").replaceChildren.apply(row.querySelector(".outcome"), outcome);
  }

  // The server analyses the tickers in list order, `concurrency` at a time, starting the next one
  // as each finishes: the same rule shows which are running.
  const concurrency = Math.max(1, parseInt(panel.dataset.concurrency, 10) || 1);
  function startWaiting() {
    const running = document.querySelectorAll('#ticker-progress li[data-state="running"]').length;
    const waiting = Array.from(document.querySelectorAll('#ticker-progress li[data-state="waiting"]'));
    waiting.slice(0, Math.max(0, concurrency - running)).forEach(function (row) {
      setTicker(row.dataset.ticker, "running");
    });
  }

  const runs = window.pmWatchlistRuns;
  const runKey = panel.dataset.analyzeUrl;
  const allTickers = Array.from(document.querySelectorAll("#ticker-progress li")).map(function (row) {
    return row.dataset.ticker;
  });

  function onResult(data) {
    const analysis = data.analysis || {};
    const outcome = [];
    if (analysis.recommendation) {
      outcome.push(el("span", { class: "call call-" + String(analysis.recommendation).toLowerCase(),
        "data-testid": "ticker-call", text: analysis.recommendation }));
    }
    outcome.push(" EV " + signedPct(analysis.ev_score_7d));
    if (!isBlank(analysis.data_quality_score)) outcome.push(" · quality " + fixed(analysis.data_quality_score, 1));
    if (!isBlank(data.as_of)) outcome.push(" · as of ", timeEl(data.as_of));
    if (data.is_demo_data) {
      outcome.push(" ", el("span", { class: "badge demo", title: "Synthetic market data from the demo provider",
        text: "Demo data" }));
    }
    if (!isBlank(data.ticker)) {
      outcome.push(" · ", el("a", { href: "/analysis/" + encodeURIComponent(data.ticker) + "/", text: "open" }));
    }
    setTicker(data.ticker, "done", outcome);
    if (runs) runs.settle(runKey, data.ticker);
    startWaiting();
  }

  function onDone(data) {
    const seconds = isBlank(data.duration_seconds) ? "" : " in " + Number(data.duration_seconds).toFixed(1) + " s";
    const concurrency = isBlank(data.concurrency) ? "" : " (" + data.concurrency + " at a time)";
    summary.textContent = "Done: " + data.succeeded + " of " + data.total + " succeeded, " + data.failed +
      " failed" + seconds + concurrency + ".";
    summary.dataset.state = data.failed ? "partial" : "ok";
    if (runs) runs.finish(runKey);
    document.querySelectorAll('#ticker-progress li[data-state="waiting"], #ticker-progress li[data-state="running"]')
      .forEach(function (row) { setTicker(row.dataset.ticker, "failed", ["no result came back"]); });
    refreshOpportunities();
  }

  function handle(name, data) {
    if (name === "result") onResult(data);
    else if (name === "error" && data && data.ticker && tickerRow(data.ticker)) {
      setTicker(data.ticker, "failed", [String(data.detail || "failed")]);
      if (runs) runs.settle(runKey, data.ticker);
      startWaiting();
    } else if (name === "error") {
      summary.textContent = (data && data.detail) || "The run failed.";
      summary.dataset.state = "failed";
    } else if (name === "done") onDone(data);
    else if (data && data.ticker && tickerRow(data.ticker)) setTicker(data.ticker, "running");
  }

  const resume = document.getElementById("run-resume");

  // A run a reload (or a dropped connection) cut short: say what was left and offer to run it.
  function offerResume() {
    const record = runs ? runs.unfinished(runKey) : null;
    const pending = record ? record.pending.filter(function (t) { return allTickers.indexOf(t) >= 0; }) : [];
    if (!resume || !pending.length) { if (resume) resume.hidden = true; return; }
    document.getElementById("run-resume-text").textContent = "A run started at " + nyText(record.started) +
      " did not finish: " + pending.length + " of " + record.total + " tickers were not analysed (" +
      pending.join(", ") + "). Results stored before it stopped stay.";
    const again = document.getElementById("run-resume-button");
    again.textContent = "Resume the remaining " + pending.length;
    again.onclick = function () { resume.hidden = true; startRun(pending); };
    document.getElementById("run-resume-dismiss").onclick = function () {
      runs.finish(runKey);
      resume.hidden = true;
    };
    resume.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (resume) resume.hidden = true;
    startRun(null);
  });

  // `subset`: the tickers to run (a resumed run), or null for the whole list.
  function startRun(subset) {
    const boxes = Array.from(form.querySelectorAll('input[name="agents"]'));
    const agents = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    const params = new URLSearchParams();
    if (agents.length && agents.length < boxes.length) params.set("agents", agents.join(","));
    if (subset) params.set("tickers", subset.join(","));
    document.querySelectorAll("#ticker-progress li").forEach(function (row) {
      const inRun = !subset || subset.indexOf(row.dataset.ticker) >= 0;
      row.dataset.state = inRun ? "waiting" : "earlier";
      row.querySelector(".state").textContent = inRun ? "waiting" : "analysed before";
      row.querySelector(".outcome").replaceChildren();
    });
    if (runs) runs.start(runKey, subset || allTickers);
    progress.hidden = false;
    button.disabled = true;
    summary.textContent = "Starting…";
    delete summary.dataset.state;
    let finished = false;

    fetch(withQuery(panel.dataset.analyzeUrl, params), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "text/event-stream", "X-Signal-Contract": "v2" },
    }).then(function (response) {
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("text/event-stream") < 0) {
        return detailOf(response).then(function (detail) { throw new Error(detail); });
      }
      summary.textContent = "Running…";
      startWaiting();
      const parser = sseParser(function (name, data) {
        if (name === "done") finished = true;
        handle(name, data);
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) { parser.push(decoder.decode()); parser.end(); return; }
          parser.push(decoder.decode(chunk.value, { stream: true }));
          return pump();
        });
      }
      return pump();
    }).then(function () {
      if (!finished) throw new Error("The connection dropped before the run finished; results stored so far stay.");
    }).catch(function (error) {
      summary.textContent = error.message || "The run failed.";
      summary.dataset.state = "failed";
      offerResume();
    }).finally(function () {
      button.disabled = false;
    });
  }

  offerResume();
})();
