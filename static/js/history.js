// History page: a reliability diagram per horizon, the net-return trend and the signal evaluation, from the page's JSON.
(function () {
  "use strict";

  const source = document.getElementById("calibration-data");
  if (!source || typeof Plotly === "undefined") return;
  const data = JSON.parse(source.textContent);
  const config = { displayModeBar: false, responsive: true };
  const colours = { 1: "#1f5fbf", 7: "#c2620a", 30: "#1a7f37" };

  function reliability(horizon) {
    const holder = document.getElementById("reliability-" + horizon.horizon_days);
    const bins = (horizon.reliability && horizon.reliability.bins) || [];
    if (!holder || !bins.length) return;
    // Predicted: the bin's mean confidence (its midpoint for bins stored without one).
    const x = bins.map(function (b) {
      return b.mean_confidence !== null ? b.mean_confidence : (b.bin_lower + b.bin_upper) / 2;
    });
    const y = bins.map(function (b) { return b.empirical_hit_rate; });
    const above = bins.map(function (b, i) { return b.ci_upper !== null ? b.ci_upper - y[i] : 0; });
    const below = bins.map(function (b, i) { return b.ci_lower !== null ? y[i] - b.ci_lower : 0; });
    const largest = Math.max.apply(null, [1].concat(bins.map(function (b) { return b.sample_size; })));
    const sizes = bins.map(function (b) { return 8 + 22 * Math.sqrt(b.sample_size / largest); });
    Plotly.newPlot(holder, [
      { x: [0, 1], y: [0, 1], type: "scatter", mode: "lines", name: "Perfect calibration",
        line: { dash: "dot", color: "#8a94a6" }, hoverinfo: "skip" },
      { x: x, y: y, type: "scatter", mode: "markers+text", name: "Bins", cliponaxis: false,
        text: bins.map(function (b) { return "n=" + b.sample_size; }), textposition: "top center",
        marker: { size: sizes, color: colours[horizon.horizon_days] || "#1f5fbf", opacity: 0.8 },
        error_y: { type: "data", symmetric: false, array: above, arrayminus: below, thickness: 1.2 },
        customdata: bins.map(function (b) { return [b.bin_lower, b.bin_upper, b.ci_lower, b.ci_upper]; }),
        hovertemplate: "confidence %{customdata[0]:.1f}–%{customdata[1]:.1f}<br>predicted %{x:.2f}" +
          "<br>hit rate %{y:.2f} (95% %{customdata[2]:.2f}–%{customdata[3]:.2f})<br>%{text}<extra></extra>" },
    ], {
      margin: { t: 10, r: 10, b: 40, l: 45 }, height: 300, showlegend: false,
      xaxis: { title: { text: "Predicted (mean confidence)" }, range: [0, 1] },
      yaxis: { title: { text: "Realised hit rate" }, range: [0, 1.1] },
    }, config);
  }

  function trend() {
    const holder = document.getElementById("trend-chart");
    if (!holder) return;
    const traces = [];
    data.horizons.forEach(function (horizon) {
      const points = horizon.trend || [];
      if (!points.length) return;
      const colour = colours[horizon.horizon_days];
      const net = points.filter(function (p) { return p.mean_net_return_pct !== null; });
      if (net.length) {
        traces.push({ x: net.map(function (p) { return p.as_of_date; }),
          y: net.map(function (p) { return p.mean_net_return_pct; }),
          type: "scatter", mode: "lines+markers", name: horizon.horizon_days + "d net", line: { color: colour } });
      }
      // Snapshots scored without costs have no net return: show their gross return, labelled.
      const gross = points.filter(function (p) {
        return p.mean_net_return_pct === null && p.avg_realized_return_pct !== null;
      });
      if (gross.length) {
        traces.push({ x: gross.map(function (p) { return p.as_of_date; }),
          y: gross.map(function (p) { return p.avg_realized_return_pct; }),
          type: "scatter", mode: "lines+markers", name: horizon.horizon_days + "d gross (no costs)",
          line: { color: colour, dash: "dash" } });
      }
    });
    if (!traces.length) { holder.textContent = "No evidence yet: no snapshot has been taken."; return; }
    Plotly.newPlot(holder, traces, {
      margin: { t: 10, r: 10, b: 40, l: 50 }, height: 320,
      yaxis: { title: { text: "Mean return per call (%)" }, zeroline: true },
      legend: { orientation: "h" },
    }, config);
  }

  // Evaluation: the IC per date (when the cross-section allows) and per month, and the quintile bars.
  function evaluationIc(ev) {
    const holder = document.getElementById("evaluation-ic-chart");
    if (!holder || !ev) return;
    const traces = [];
    const series = ev.ic_series || [];
    if (series.length) {
      traces.push({ x: series.map(function (p) { return p.date; }), y: series.map(function (p) { return p.ic; }),
        type: "scatter", mode: "markers", name: "IC per date", marker: { size: 4, color: "#8a94a6" },
        text: series.map(function (p) { return "n=" + p.count; }),
        hovertemplate: "%{x}<br>IC %{y:.3f}<br>%{text}<extra></extra>" });
    }
    const months = (ev.ic_by_month || []).filter(function (m) { return m.ic !== null; });
    if (months.length) {
      traces.push({ x: months.map(function (m) { return m.month + "-15"; }), y: months.map(function (m) { return m.ic; }),
        type: "scatter", mode: "lines+markers", name: "IC per month", line: { color: colours[ev.horizon_days] || "#1f5fbf" },
        error_y: { type: "data", symmetric: false,
          array: months.map(function (m) { return m.ci[1] !== null ? m.ci[1] - m.ic : 0; }),
          arrayminus: months.map(function (m) { return m.ci[0] !== null ? m.ic - m.ci[0] : 0; }), thickness: 1 },
        text: months.map(function (m) { return "n=" + m.count + ", " + m.dates + " dates"; }),
        hovertemplate: "%{x|%Y-%m}<br>IC %{y:.3f}<br>%{text}<extra></extra>" });
    }
    if (!traces.length) { holder.textContent = "No IC: no month has a defined rank correlation."; return; }
    Plotly.newPlot(holder, traces, {
      margin: { t: 10, r: 10, b: 40, l: 50 }, height: 300, legend: { orientation: "h" },
      yaxis: { title: { text: "Rank IC" }, zeroline: true },
    }, config);
  }

  function evaluationQuantiles(ev) {
    const holder = document.getElementById("evaluation-quantile-chart");
    const rows = (ev && ev.quantiles) || [];
    if (!holder || !rows.length) return;
    const filled = rows.filter(function (q) { return q.mean_net_return_pct !== null; });
    Plotly.newPlot(holder, [{
      x: filled.map(function (q) { return "Q" + q.quantile; }),
      y: filled.map(function (q) { return q.mean_net_return_pct; }),
      type: "bar", marker: { color: colours[ev.horizon_days] || "#1f5fbf" },
      text: filled.map(function (q) { return "n=" + q.count; }), textposition: "outside", cliponaxis: false,
      error_y: { type: "data", symmetric: false,
        array: filled.map(function (q) { return q.ci[1] !== null ? q.ci[1] - q.mean_net_return_pct : 0; }),
        arrayminus: filled.map(function (q) { return q.ci[0] !== null ? q.mean_net_return_pct - q.ci[0] : 0; }),
        thickness: 1 },
      hovertemplate: "%{x}<br>mean net %{y:.3f}%<br>%{text}<extra></extra>",
    }], {
      margin: { t: 20, r: 10, b: 40, l: 50 }, height: 300, showlegend: false,
      xaxis: { title: { text: "Score quintile (1 lowest)" } },
      yaxis: { title: { text: "Mean net return (%)" }, zeroline: true },
    }, config);
  }

  data.horizons.forEach(reliability);
  trend();
  evaluationIc(data.evaluation);
  evaluationQuantiles(data.evaluation);
})();
