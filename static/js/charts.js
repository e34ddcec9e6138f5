// Charts: every <figure class="chart" data-chart-url> (templates/core/_chart.html) is filled
// from its JSON spec (core/chart_specs.py: titles and labels already in the page's language)
// and drawn with the vendored Apache ECharts on a canvas. It follows its container's size (a
// 375 px phone, a printed A4 page), and a real button shows the same numbers as a <table>
// for screen readers and for copying. No inline script or style: CSP allows neither.
(function () {
  "use strict";

  // Narrower than this, a chart is drawn as on a phone: smaller type, slanted day labels, and a
  // window of ten categories (the latest with data) that a finger swipes along.
  const SMALL = 420;
  const WINDOW = 10;
  const charts = [];

  function el(tag, text) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function buildTable(spec) {
    const table = el("table");
    table.className = "table table-sm chart-data";
    const caption = el("caption", spec.title); // the figure's title shows already
    caption.className = "visually-hidden";
    table.appendChild(caption);
    const head = table.createTHead().insertRow();
    spec.table.headers.forEach(function (text) {
      const cell = el("th", text);
      cell.scope = "col";
      head.appendChild(cell);
    });
    const body = table.createTBody();
    spec.table.rows.forEach(function (row) {
      const line = body.insertRow();
      row.forEach(function (value, index) {
        const cell = el(index === 0 ? "th" : "td", value);
        if (index === 0) cell.scope = "row";
        line.appendChild(cell);
      });
    });
    return table;
  }

  function narrow(node) {
    return node.clientWidth < SMALL;
  }

  // On a phone, WINDOW categories: from just before the spec's focus (today) when it has
  // one, else the last ones up to the last with a number (what happened lately).
  function recent(spec) {
    const count = spec.x.labels.length;
    if (typeof spec.focus === "number") {
      const start = Math.max(0, Math.min(spec.focus - 2, count - WINDOW));
      return { startValue: start, endValue: Math.min(count - 1, start + WINDOW - 1) };
    }
    let last = -1;
    if (spec.kind === "heatmap") {
      spec.cells.forEach(function (cell) { if (cell[2] > 0) last = Math.max(last, cell[0]); });
    } else {
      spec.series.forEach(function (item) {
        item.data.forEach(function (value, index) { if (value > 0) last = Math.max(last, index); });
      });
    }
    const end = Math.min(count - 1, Math.max(last, WINDOW - 1));
    return { startValue: Math.max(0, end - WINDOW + 1), endValue: end };
  }

  function seriesOption(spec, small) {
    const horizontal = !!spec.horizontal;
    const category = {
      type: "category",
      data: spec.x.labels,
      name: "", // the categories say what they are (days, sections); the table names the column
      axisLabel: { hideOverlap: true, rotate: horizontal ? 0 : (small && spec.x.labels.length > 4 ? 45 : 0), fontSize: small ? 10 : 12 },
      axisTick: { alignWithLabel: true },
    };
    const value = { type: "value", name: spec.y.name, minInterval: 1 };
    if (horizontal) Object.assign(value, { nameLocation: "middle", nameGap: 24 }); // under the axis, not cut off
    const marks = (spec.marks || []).map(function (mark) {
      return [{ name: mark.label, xAxis: horizontal ? undefined : mark.from, yAxis: horizontal ? mark.from : undefined },
        { xAxis: horizontal ? undefined : mark.to, yAxis: horizontal ? mark.to : undefined }];
    });
    const series = spec.series.map(function (item, index) {
      const one = {
        type: spec.kind === "line" ? "line" : "bar",
        name: item.name,
        data: item.data,
        itemStyle: { color: item.color },
        emphasis: { focus: "series" },
      };
      if (spec.stacked) one.stack = "total";
      if (spec.kind === "line") one.showSymbol = item.data.length < 50;
      if (index === 0 && marks.length) {
        one.markArea = { silent: true, itemStyle: { color: "rgba(120,144,156,0.2)" }, label: { show: !small, fontSize: 10 }, data: marks };
      }
      return one;
    });
    return {
      grid: { left: 8, right: small ? 12 : 24, top: 60, bottom: horizontal ? 32 : 8, containLabel: true },
      legend: { type: "scroll", top: 0, left: 0, right: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: small ? 11 : 12 } },
      tooltip: { trigger: "axis", confine: true, axisPointer: { type: "shadow" } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign(category, { inverse: true, name: "" }) : value,
      dataZoom: !horizontal && small && spec.x.labels.length > WINDOW ? [Object.assign({ type: "inside" }, recent(spec))] : [],
      series: series,
      animation: false,
    };
  }

  function heatmapOption(spec, small) {
    const top = spec.cells.reduce(function (most, cell) { return Math.max(most, cell[2]); }, 0) || 1;
    return {
      grid: { left: 8, right: 24, top: 8, bottom: small ? 56 : 48, containLabel: true },
      tooltip: {
        confine: true,
        formatter: function (p) {
          const encode = window.echarts.format.encodeHTML; // unit names are typed by people
          return encode(spec.y.labels[p.value[1]]) + "<br>" + encode(spec.x.labels[p.value[0]]) + "：" + p.value[2];
        },
      },
      xAxis: { type: "category", data: spec.x.labels, axisLabel: { hideOverlap: true, rotate: small ? 45 : 0, fontSize: small ? 10 : 12 }, splitArea: { show: true } },
      yAxis: { type: "category", data: spec.y.labels, axisLabel: { width: small ? 84 : 160, overflow: "truncate", fontSize: small ? 10 : 12 } },
      visualMap: {
        min: 0, max: top, calculable: false, orient: "horizontal", left: "center", bottom: 0,
        itemHeight: small ? 100 : 140, text: [String(top), "0"], inRange: { color: spec.colors },
        textStyle: { fontSize: 11 },
      },
      dataZoom: small && spec.x.labels.length > WINDOW ? [Object.assign({ type: "inside", xAxisIndex: 0 }, recent(spec))] : [],
      series: [{ type: "heatmap", name: spec.value_name, data: spec.cells, label: { show: !small && spec.x.labels.length <= 16 } }],
      animation: false,
    };
  }

  function draw(item) {
    const small = narrow(item.canvas);
    const option = item.spec.kind === "heatmap" ? heatmapOption(item.spec, small) : seriesOption(item.spec, small);
    item.chart.setOption(option, true);
  }

  function setUp(figure) {
    const canvas = figure.querySelector(".chart-canvas");
    const tableBox = figure.querySelector(".chart-table");
    const toggle = figure.querySelector(".chart-toggle");
    const status = figure.querySelector(".chart-status");
    const title = figure.querySelector(".chart-title");
    fetch(figure.dataset.chartUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (spec) {
        title.textContent = spec.title;
        tableBox.replaceChildren(buildTable(spec));
        toggle.hidden = false;
        const empty = !spec.table.rows.length;
        status.textContent = empty ? spec.empty || figure.dataset.empty : "";
        status.hidden = !empty;
        if (empty || !window.echarts) {
          canvas.hidden = true;
          tableBox.hidden = false;
          toggle.hidden = true;
          return;
        }
        if (spec.kind === "heatmap" && spec.y.labels.length > 6) {
          // A row per unit: the box grows with their number (CSSOM, which CSP allows).
          canvas.style.height = (spec.y.labels.length * 30 + 120) + "px";
        }
        const item = { figure: figure, canvas: canvas, spec: spec, small: narrow(canvas) };
        item.chart = window.echarts.init(canvas, null, { renderer: "canvas", locale: document.documentElement.lang.indexOf("zh") === 0 ? "ZH" : "EN" });
        draw(item);
        charts.push(item);
        if (window.ResizeObserver) {
          new ResizeObserver(function () {
            item.chart.resize();
            if (narrow(canvas) !== item.small) {
              item.small = narrow(canvas);
              draw(item);
            }
          }).observe(canvas);
        }
        toggle.addEventListener("click", function () {
          const showTable = toggle.getAttribute("aria-pressed") !== "true";
          toggle.setAttribute("aria-pressed", String(showTable));
          tableBox.hidden = !showTable;
          canvas.hidden = showTable;
          if (!showTable) item.chart.resize();
        });
        figure.classList.add("chart-ready");
      })
      .catch(function () {
        status.textContent = figure.dataset.error;
        canvas.hidden = true;
      });
  }

  // A printed page is narrower than the screen: draw for it, then back.
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (item) { item.chart.resize({ width: Math.min(item.canvas.clientWidth, 680) }); });
  });
  window.addEventListener("afterprint", function () {
    charts.forEach(function (item) { item.chart.resize(); });
  });

  function start() {
    document.querySelectorAll("figure.chart[data-chart-url]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
