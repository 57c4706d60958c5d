/* Work-plan timeline: a Gantt chart of phases (shaded bands), milestones (vertical lines),
   measures and their sub-tasks (bars, red when overdue, filled to their progress), and today's
   line. ECharts is vendored; data comes from the json_script element "timeline-data" (planning
   TimelineView); no inline script (CSP). */
(function () {
  "use strict";

  var COLORS = {
    not_started: "#adb5bd",
    in_progress: "#0d6efd",
    done: "#198754",
    overdue: "#dc3545",
    cancelled: "#dee2e6"
  };
  var PHASE_FILL = ["rgba(13,110,253,0.06)", "rgba(25,135,84,0.07)", "rgba(255,193,7,0.09)", "rgba(111,66,193,0.07)"];

  function day(value) {
    return value ? new Date(value + "T00:00:00").getTime() : null;
  }

  function init() {
    var source = document.getElementById("timeline-data");
    var element = document.getElementById("planning-timeline");
    if (!source || !element || typeof window.echarts === "undefined") {
      return;
    }
    if (element.offsetWidth === 0) {
      // Hidden (the list is shown on a narrow screen): draw when it shows, e.g. on rotation.
      var later = function () {
        if (element.offsetWidth > 0) {
          window.removeEventListener("resize", later);
          draw(source, element);
        }
      };
      window.addEventListener("resize", later);
      return;
    }
    draw(source, element);
  }

  function draw(source, element) {
    var data = JSON.parse(source.textContent);
    var labels = data.labels || {};
    var rows = data.rows.filter(function (row) { return row.start && row.end; });
    element.style.height = Math.max(260, rows.length * 34 + 120) + "px";
    var chart = window.echarts.init(element);
    // Labels take at most 280 px, and less on a narrow screen so that the bars keep room.
    var labelWidth = Math.min(280, Math.round(element.offsetWidth * 0.4));

    var items = rows.map(function (row, index) {
      var colour = row.overdue ? COLORS.overdue : (COLORS[row.status] || COLORS.not_started);
      return {
        value: [index, day(row.start), day(row.end) + 86400000, row.progress],
        row: row,
        itemStyle: { color: colour }
      };
    });

    var phaseAreas = data.phases.map(function (phase, index) {
      return [
        {
          name: phase.name,
          xAxis: day(phase.start),
          itemStyle: { color: PHASE_FILL[index % PHASE_FILL.length] },
          label: { position: "insideTop", color: "#495057", fontWeight: "bold" }
        },
        { xAxis: day(phase.end) + 86400000 }
      ];
    });
    var lines = data.milestones.map(function (milestone) {
      return {
        name: milestone.name,
        xAxis: day(milestone.date),
        lineStyle: { color: "#6f42c1", type: "solid", width: 2 },
        label: { formatter: milestone.name + "\n" + milestone.date, color: "#6f42c1" }
      };
    });
    lines.push({
      name: labels.today,
      xAxis: day(data.today),
      lineStyle: { color: "#dc3545", type: "dashed", width: 2 },
      label: { formatter: labels.today + "\n" + data.today, color: "#dc3545" }
    });

    function renderItem(params, api) {
      var index = api.value(0);
      var start = api.coord([api.value(1), index]);
      var end = api.coord([api.value(2), index]);
      var height = api.size([0, 1])[1] * 0.55;
      var width = Math.max(end[0] - start[0], 3);
      var item = items[params.dataIndex];
      var colour = item.itemStyle.color;
      var rect = { x: start[0], y: start[1] - height / 2, width: width, height: height };
      var shape = window.echarts.graphic.clipRectByRect(rect, {
        x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height
      });
      if (!shape) {
        return null;
      }
      var undated = item.row.undated;
      var children = [{
        type: "rect",
        shape: shape,
        style: {
          fill: undated ? "rgba(0,0,0,0)" : window.echarts.color.modifyAlpha(colour, item.row.overdue ? 0.55 : 0.35),
          stroke: colour,
          lineWidth: undated ? 1.5 : 1,
          lineDash: undated ? [4, 3] : null
        }
      }];
      var progress = api.value(3) || 0;
      if (progress > 0) {
        var done = window.echarts.graphic.clipRectByRect(
          { x: rect.x, y: rect.y, width: width * Math.min(progress, 100) / 100, height: height }, shape
        );
        if (done) {
          children.push({ type: "rect", shape: done, style: { fill: colour } });
        }
      }
      return { type: "group", children: children };
    }

    chart.setOption({
      animation: false,
      grid: { left: labelWidth + 20, right: 40, top: 50, bottom: 40 },
      tooltip: {
        formatter: function (params) {
          if (!params.data || !params.data.row) {
            return params.name || "";
          }
          var row = params.data.row;
          var lines = [
            "<strong>" + window.echarts.format.encodeHTML(row.label.trim()) + "</strong>",
            window.echarts.format.encodeHTML(row.people || ""),
            row.start + " → " + row.end + (row.undated ? " (" + labels.undated + ")" : ""),
            window.echarts.format.encodeHTML(row.status_label) + " · " + labels.progress + " " + row.progress + " %"
          ];
          if (row.overdue) {
            lines.push('<span style="color:#dc3545">' + labels.overdue + "</span>");
          }
          return lines.join("<br>");
        }
      },
      xAxis: {
        type: "time",
        position: "top",
        splitLine: { show: true, lineStyle: { color: "#eee" } },
        axisLabel: { formatter: "{yyyy}-{MM}" }
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: rows.map(function (row) { return row.label; }),
        axisTick: { show: false },
        axisLabel: {
          width: labelWidth,
          overflow: "truncate",
          color: function (value, index) { return rows[index] && rows[index].overdue ? "#dc3545" : "#212529"; }
        }
      },
      dataZoom: [{ type: "inside", xAxisIndex: 0, filterMode: "weakFilter" }, { type: "slider", xAxisIndex: 0, height: 16, bottom: 8, filterMode: "weakFilter" }],
      series: [{
        type: "custom",
        renderItem: renderItem,
        encode: { x: [1, 2], y: 0 },
        data: items,
        markArea: { silent: true, data: phaseAreas },
        markLine: { symbol: ["none", "none"], silent: true, data: lines }
      }]
    });
    chart.on("click", function (params) {
      if (params.data && params.data.row && params.data.row.url) {
        window.location.href = params.data.row.url;
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
