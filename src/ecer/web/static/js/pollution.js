// Charts of the 在线监测, 重点工程 and 环境质量 pages. Data is embedded in the page as JSON;
// the city map's boundaries come from /static/geo, as on the 总览 page.
(function () {
  "use strict";
  var AQI_COLOURS = ["#00e400", "#ffff00", "#ff7e00", "#ff0000", "#99004c", "#7e0023"]; // HJ 633-2012 表2, levels 1-6
  var PALETTE = ["#1f6fb2", "#d7263d", "#2e9e4f", "#e5a50a", "#7b4fa0", "#00838f"];
  var data = ECER.data, chart = ECER.chart; // charts.js
  function limitLine(value, name) {
    return value === null || value === undefined ? undefined :
      { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#d7263d" },
        label: { formatter: name + " {c}", position: "insideEndTop" }, data: [{ yAxis: value }] };
  }

  function curves(d) {
    var c = chart("curves");
    if (!c) return;
    var series = d.curves.map(function (s, i) {
      return { name: s.code + (s.unit ? " (" + s.unit + ")" : ""), type: "line", showSymbol: false, connectNulls: false,
               itemStyle: { color: PALETTE[i % PALETTE.length] }, yAxisIndex: s.limit === null ? 1 : 0,
               data: s.points, markLine: limitLine(s.limit, s.code + " 限值") };
    });
    c.setOption({
      animation: false, tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" },
      grid: { left: 50, right: 60, top: 40, bottom: 60 },
      xAxis: { type: "time" }, yAxis: [{ type: "value", name: "浓度" }, { type: "value", name: "其他", splitLine: { show: false } }],
      dataZoom: [{ type: "slider", bottom: 10 }], series: series
    });
  }

  function progress(d) {
    var c = chart("progress-chart");
    if (!c) return;
    var pollutants = [], regions = [];
    d.rows.forEach(function (r) {
      if (pollutants.indexOf(r.pollutant) < 0) pollutants.push(r.pollutant);
      if (regions.indexOf(r.region) < 0) regions.push(r.region);
    });
    var series = pollutants.map(function (p, i) {
      return { name: p, type: "bar", itemStyle: { color: PALETTE[i % PALETTE.length] },
               data: regions.map(function (g) {
                 var r = d.rows.filter(function (x) { return x.region === g && x.pollutant === p; })[0];
                 return r && r.completion !== null ? +(r.completion * 100).toFixed(1) : null;
               }) };
    });
    var required = d.rows.length ? d.rows[0].required_progress : null;
    if (series.length && required !== null) {
      series[0].markLine = limitLine(+(required * 100).toFixed(1), "进度要求");
      series[0].markLine.label.formatter = "进度要求 {c}%";
    }
    c.setOption({
      animation: false, legend: { top: 0 }, tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      grid: { left: 50, right: 20, top: 40, bottom: 60 },
      xAxis: { type: "category", data: regions, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } }, series: series
    });
  }

  function stationsMap(d) {
    var c = chart("stations-map");
    if (!c) return;
    fetch("/static/geo/jilin-220200.geojson").then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("jilin", geo);
      var points = d.stations.filter(function (s) { return s.longitude && s.latitude; }).map(function (s) {
        return { name: s.name, value: [+s.longitude, +s.latitude, s.latest_aqi], category: s.latest_category,
                 itemStyle: { color: s.latest_colour || "#9aa5b1", borderColor: "#1d2733", borderWidth: 1 } };
      });
      c.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: function (p) {
          return p.data && p.data.value ? p.name + "<br>AQI " + (p.data.value[2] === null ? "—" : p.data.value[2]) +
            " " + (p.data.category || "") : p.name; } },
        geo: { map: "jilin", roam: true, zoom: 1.2, label: { show: true, fontSize: 11, color: "#555" },
               itemStyle: { areaColor: "#eef2f6", borderColor: "#9aa5b1" }, emphasis: { disabled: true } },
        series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 14, data: points,
                   label: { show: true, formatter: "{b}", position: "right", fontSize: 11, color: "#111",
                            backgroundColor: "rgba(255,255,255,.8)", padding: 2 } }]
      });
    });
  }

  function calendar(d) {
    var c = chart("aqi-calendar");
    if (!c || !d.stations.length) return;
    var year = String(d.year);
    var rows = d.stations.length;
    c.getDom().style.height = (rows * 150 + 60) + "px";
    c.resize();
    var calendars = [], series = [];
    d.stations.forEach(function (s, i) {
      calendars.push({ top: 60 + i * 150, left: 90, right: 20, cellSize: ["auto", 14], range: year,
                       yearLabel: { show: true, formatter: s.name, position: "left", fontSize: 12 },
                       dayLabel: { firstDay: 1, nameMap: "ZH", fontSize: 9 }, monthLabel: { nameMap: "ZH", fontSize: 10 } });
      series.push({ type: "heatmap", coordinateSystem: "calendar", calendarIndex: i, name: s.name,
                    data: (d.daily_aqi[s.code] || []).filter(function (x) { return x.aqi !== null; })
                      .map(function (x) { return [x.date, x.aqi]; }) });
    });
    c.setOption({
      animation: false, tooltip: { formatter: function (p) { return p.seriesName + " " + p.value[0] + "<br>AQI " + p.value[1]; } },
      visualMap: { type: "piecewise", orient: "horizontal", left: "center", top: 0,
                   pieces: [{ min: 0, max: 50, label: "优", color: AQI_COLOURS[0] }, { min: 51, max: 100, label: "良", color: AQI_COLOURS[1] },
                            { min: 101, max: 150, label: "轻度", color: AQI_COLOURS[2] }, { min: 151, max: 200, label: "中度", color: AQI_COLOURS[3] },
                            { min: 201, max: 300, label: "重度", color: AQI_COLOURS[4] }, { min: 301, label: "严重", color: AQI_COLOURS[5] }] },
      calendar: calendars, series: series
    });
  }

  function trend(id, d, key, lines) {
    var c = chart(id);
    if (!c) return;
    var series = d.stations.map(function (s, i) {
      return { name: s.name, type: "line", showSymbol: false, itemStyle: { color: PALETTE[i % PALETTE.length] },
               data: (d.trends[s.code] || []).map(function (x) { return [x.date, x[key]]; }) };
    });
    if (series.length) {
      series[0].markLine = { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#d7263d" },
        label: { position: "insideEndTop" },
        data: lines.map(function (l, i) { return { yAxis: l[0], label: { formatter: l[1] + " {c}",
          position: i % 2 ? "insideStartBottom" : "insideEndTop" } }; }) };
    }
    c.setOption({
      animation: false, tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" },
      grid: { left: 45, right: 20, top: 35, bottom: 55 }, xAxis: { type: "time" }, yAxis: { type: "value" },
      dataZoom: [{ type: "slider", bottom: 8 }], series: series
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var cd = data("curves-data");
    if (cd) curves(cd);
    var pd = data("progress-data");
    if (pd) progress(pd);
    var ed = data("environment-data");
    if (ed) {
      stationsMap(ed);
      calendar(ed);
      trend("pm25-trend", ed, "pm2_5", [[ed.standards.pm2_5_24h, "24小时二级"], [ed.standards.pm2_5_annual, "年均二级"]]);
      trend("o3-trend", ed, "o3_8h", [[ed.standards.o3_8h, "二级"]]);
    }
  });
})();
