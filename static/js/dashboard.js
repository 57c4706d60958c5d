/* Dashboard charts (ECharts, vendored). Data comes from the json_script element
   "dashboard-data" rendered by groupschool.views.home; no inline script (CSP). */
(function () {
  "use strict";

  function init() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var labels = data.labels || {};
    var charts = [];

    function chart(id, option) {
      var element = document.getElementById(id);
      if (!element) {
        return;
      }
      var instance = window.echarts.init(element);
      instance.setOption(option);
      charts.push(instance);
    }

    var baseAxis = {
      type: "category",
      data: data.campuses,
      axisLabel: { interval: 0, rotate: data.campuses.length > 6 ? 30 : 0 }
    };

    chart("chart-class-size", {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 40, bottom: 50, top: 40 },
      xAxis: baseAxis,
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", name: "%", max: 100, splitLine: { show: false } }
      ],
      series: [
        { name: labels.average, type: "bar", data: data.average, barMaxWidth: 40 },
        { name: labels.standard, type: "line", step: "middle", data: data.standard, symbol: "none",
          lineStyle: { type: "dashed" } },
        { name: labels.big_share, type: "line", yAxisIndex: 1, data: data.big_share },
        { name: labels.super_big_share, type: "line", yAxisIndex: 1, data: data.super_big_share }
      ]
    });

    chart("chart-rotation", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? labels.no_data : v + " %"; } },
      legend: { top: 0 },
      grid: { left: 40, right: 20, bottom: 50, top: 40 },
      xAxis: baseAxis,
      yAxis: { type: "value", name: "%", min: 0 },
      series: [
        {
          name: labels.ratio, type: "bar", data: data.ratio, barMaxWidth: 40,
          markLine: {
            symbol: "none",
            label: { position: "insideEndTop", formatter: labels.ratio_target + " ≥ " + data.ratio_target + " %" },
            data: [{ yAxis: data.ratio_target }]
          }
        },
        {
          name: labels.backbone_share, type: "bar", data: data.backbone_share, barMaxWidth: 40,
          markLine: {
            symbol: "none",
            lineStyle: { type: "dotted" },
            label: { position: "insideEndTop", formatter: labels.ratio_target + " ≥ " + data.backbone_target + " %" },
            data: [{ yAxis: data.backbone_target }]
          }
        }
      ]
    });

    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
