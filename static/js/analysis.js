// Analysis page: keyboard search, tabs, the price chart, and a live run over SSE.
(function () {
  "use strict";

  // "/" jumps to the ticker search from anywhere but another text field.
  document.addEventListener("keydown", function (event) {
    const tag = (event.target.tagName || "").toLowerCase();
    const inSearch = event.target.id === "ticker-search";
    if (event.key === "/" && (inSearch || (tag !== "input" && tag !== "textarea"))) {
      event.preventDefault();
      const search = document.getElementById("ticker-search");
      if (search) { search.focus(); search.select(); }
    }
  });

  const FOCUS_RESULTS_KEY = "pmresearch.focusResults";
  let focusResults = false;
  try {
    focusResults = window.sessionStorage.getItem(FOCUS_RESULTS_KEY) === "1";
    window.sessionStorage.removeItem(FOCUS_RESULTS_KEY);
  } catch (ignored) { /* storage off: focus stays where the browser puts it */ }
  const results = document.getElementById("analysis-results");
  if (focusResults && results) results.focus();

  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  function select(tab) {
    tabs.forEach(function (t) {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
    tab.focus();
    if (tab.id === "tab-overview") drawChart();
  }
  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function () { select(tab); });
    tab.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") select(tabs[(i + 1) % tabs.length]);
      if (event.key === "ArrowLeft") select(tabs[(i - 1 + tabs.length) % tabs.length]);
    });
  });

  function drawChart() {
    const holder = document.getElementById("price-chart");
    const source = document.getElementById("chart-data");
    if (!holder || !source || typeof Plotly === "undefined") return;
    const chart = JSON.parse(source.textContent);
    if (!chart) { holder.textContent = "No price data."; return; }
    Plotly.newPlot(holder, [
      { x: chart.dates, open: chart.open, high: chart.high, low: chart.low, close: chart.close,
        type: "candlestick", name: "Price" },
      { x: chart.dates, y: chart.ma_20, type: "scatter", mode: "lines", name: "MA20" },
      { x: chart.dates, y: chart.ma_50, type: "scatter", mode: "lines", name: "MA50" },
    ], { margin: { t: 10, r: 10, b: 30, l: 50 }, xaxis: { rangeslider: { visible: false } }, height: 320 },
    { displayModeBar: false, responsive: true });
  }
  drawChart();

  const panel = document.querySelector(".run-panel");
  const form = document.getElementById("run-form");
  if (!panel || !form) return;
  const progress = document.getElementById("run-progress");
  const bar = document.getElementById("run-progress-bar");
  const message = document.getElementById("run-message");
  const button = document.getElementById("run-analysis");

  function setAgent(name, state) {
    const row = document.querySelector('#agent-progress li[data-agent="' + name + '"]');
    if (!row) return;
    row.dataset.state = state;
    row.querySelector(".state").textContent = state;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const agents = Array.from(form.querySelectorAll('input[name="agents"]:checked')).map(function (b) { return b.value; });
    const params = new URLSearchParams();
    if (agents.length) params.set("agents", agents.join(","));
    const asOf = document.getElementById("run-as-of").value;
    if (asOf) params.set("as_of", asOf);
    document.querySelectorAll("#agent-progress li").forEach(function (li) {
      const wanted = !agents.length || agents.indexOf(li.dataset.agent) >= 0 ||
        (li.dataset.agent === "news" && agents.indexOf("sentiment") >= 0);
      li.hidden = !wanted;
      setAgent(li.dataset.agent, "waiting");
    });
    progress.hidden = false;
    button.disabled = true;
    bar.value = 0;
    message.textContent = "Starting…";

    const source = new EventSource(panel.dataset.streamUrl + "?" + params.toString());
    source.addEventListener("progress", function (e) {
      const data = JSON.parse(e.data);
      // `stage`/`progress` are the earlier stream's; ours are `step`, `agent`, `status`, `percent`.
      bar.value = data.percent;
      message.textContent = data.message || "";
      if (data.step === "agent_start") setAgent(data.agent, "running");
      if (data.step === "agent_done") setAgent(data.agent, data.status === "failed" ? "failed" : "done");
    });
    source.addEventListener("result", function (e) {
      source.close();
      bar.value = 100;
      message.textContent = "Done: loading the new analysis…";
      let result = {};
      try { result = JSON.parse(e.data); } catch (ignored) { /* reload below */ }
      // The page reloads to show the stored run; the flag tells the new page to put focus on
      // the results rather than leave the keyboard user at the top of the page.
      try { window.sessionStorage.setItem(FOCUS_RESULTS_KEY, "1"); } catch (ignored) { /* storage off */ }
      // A run as of a past date never becomes the current call: open it by its id instead.
      if (result.backdated && result.analysis_id) {
        window.location.assign(window.location.pathname + "?analysis_id=" + encodeURIComponent(result.analysis_id));
      } else {
        window.location.reload();
      }
    });
    source.addEventListener("error", function (e) {
      source.close();
      button.disabled = false;
      let detail = "The analysis failed or the connection dropped.";
      try { detail = JSON.parse(e.data).error; } catch (ignored) { /* a dropped connection has no data */ }
      message.textContent = detail;
    });
  });
})();
