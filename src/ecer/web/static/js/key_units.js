// The 重点用能单位 page's monthly energy chart. Data comes embedded in the page as JSON (no extra requests).
(function () {
  "use strict";
  function draw() {
    var d = ECER.data("unit-data");
    var c = d && ECER.chart("monthly");  // charts.js
    if (!c) return;
    var years = [];
    d.monthly.forEach(function (m) { if (years.indexOf(m.year) < 0) years.push(m.year); });
    var months = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"];
    var series = years.map(function (y, i) {
      var values = months.map(function () { return null; });
      d.monthly.forEach(function (m) { if (m.year === y) values[m.month - 1] = m.energy_primary_tce; });
      return { name: y + "年 等价值", type: i === years.length - 1 ? "bar" : "line", data: values,
               itemStyle: { color: i === years.length - 1 ? "#1f4e79" : "#9aa5b1" } };
    });
    if (d.budget && d.budget.budget_tce) {
      series.push({ name: "月均预算", type: "line", data: [], itemStyle: { color: "#d7263d" }, lineStyle: { type: "dashed" },
        markLine: { symbol: "none", label: { formatter: "月均预算", position: "insideEndTop" },
        lineStyle: { color: "#d7263d", type: "dashed" }, data: [{ yAxis: +(d.budget.budget_tce / 12).toFixed(1) }] } });
    }
    c.setOption({
      animation: false,
      grid: { left: 70, right: 20, top: 40, bottom: 30 },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : Math.round(v).toLocaleString("zh-CN") + " tce"; } },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value", name: "吨标准煤" },
      series: series
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
