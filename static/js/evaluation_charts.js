/* Evaluatee page charts (ECharts, vendored): points per indicator against the peer average,
   and the distribution of the peer category's totals. Data: json_script "evaluatee-chart-data". */
(function () {
  "use strict";

  var source = document.getElementById("evaluatee-chart-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
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

  chart("chart-breakdown", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 40, top: 40 },
    xAxis: { type: "category", data: data.indicators, axisLabel: { interval: 0, rotate: data.indicators.length > 8 ? 45 : 0 } },
    yAxis: { type: "value" },
    series: [
      { name: data.labels.mine, type: "bar", data: data.mine },
      { name: data.labels.peers, type: "bar", data: data.peers }
    ]
  });

  // Ten equal bins between the lowest and highest total; the evaluatee's bin is highlighted.
  var totals = data.totals || [];
  if (totals.length) {
    var low = Math.min.apply(null, totals);
    var high = Math.max.apply(null, totals);
    var bins = 10;
    var width = (high - low) / bins || 1;
    var counts = [];
    var labels = [];
    for (var i = 0; i < bins; i += 1) {
      counts.push(0);
      labels.push((low + i * width).toFixed(1));
    }
    function bin(value) {
      return Math.min(bins - 1, Math.floor((value - low) / width));
    }
    totals.forEach(function (value) {
      counts[bin(value)] += 1;
    });
    var mine = data.total === null ? -1 : bin(data.total);
    chart("chart-distribution", {
      tooltip: { trigger: "axis" },
      grid: { left: 30, right: 10, bottom: 30, top: 10 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", minInterval: 1, name: data.labels.count },
      series: [{
        type: "bar",
        data: counts.map(function (count, index) {
          return index === mine ? { value: count, itemStyle: { color: "#d63384" } } : count;
        })
      }]
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (instance) {
      instance.resize();
    });
  });
})();
