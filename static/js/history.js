// History page: a reliability diagram per horizon and the net-return trend, from the page's JSON.
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

  data.horizons.forEach(reliability);
  trend();
})();
