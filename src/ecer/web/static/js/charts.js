// Shared by the pages' chart scripts: read the JSON a page embeds, and make ECharts instances that
// follow the window's size and are redrawn at the printed width before printing.
(function () {
  "use strict";
  var charts = [];
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var c = echarts.init(el, null, { renderer: "canvas" });
    charts.push(c);
    el.dataset.ready = "1";
    return c;
  }
  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.ECER = { data: data, chart: chart };
})();
