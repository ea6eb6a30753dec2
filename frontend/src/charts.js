// Chart islands: a server-rendered <figure data-chart> carries its data in a JSON block and a plain
// table; this module draws the chart over it with ECharts. Loaded only on pages that have an island.
// Only the chart types and components used are bundled, to keep the download small.
import * as echarts from "echarts/core";
import { BarChart, LineChart, RadarChart } from "echarts/charts";
import { GridComponent, LegendPlainComponent, RadarComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([
  BarChart, LineChart, RadarChart, GridComponent, LegendPlainComponent, RadarComponent, TooltipComponent, SVGRenderer,
]);

// The product's palette: brand teal first, then colours that stay apart for colour-blind readers.
const PALETTE = ["#0b5d7a", "#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#d55e00", "#6c757d"];

export function formatter(kind, locale, compact = false) {
  const notation = compact ? { notation: "compact", maximumFractionDigits: 2 } : {};
  if (kind === "rupiah") {
    const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 0, ...notation });
    return (value) => (value < 0 ? "-" : "") + "Rp " + number.format(Math.abs(value));
  }
  if (kind === "percent") {
    const number = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
    return (value) => number.format(value);
  }
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, ...notation });
  return (value) => number.format(value);
}

function cartesianOption(spec, format, axisFormat) {
  const categories = {
    type: "category",
    data: spec.labels,
    // Horizontal bars list the labels top-down, in the table's order.
    inverse: spec.horizontal,
    axisLabel: { interval: 0, hideOverlap: !spec.horizontal, width: spec.horizontal ? 140 : 90, overflow: "truncate" },
  };
  const values = {
    type: "value",
    max: spec.max ?? null,
    // Counts and other whole numbers keep whole-number ticks.
    minInterval: spec.digits === 0 && spec.format === "number" ? 1 : null,
    axisLabel: { formatter: axisFormat },
  };
  return {
    grid: { left: 8, right: 24, top: spec.series.length > 1 ? 40 : 16, bottom: 8, containLabel: true },
    xAxis: spec.horizontal ? values : categories,
    yAxis: spec.horizontal ? categories : values,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: format },
    series: spec.series.map((s) => ({
      name: s.name,
      type: spec.kind,
      data: s.data,
      smooth: false,
      barMaxWidth: 48,
      connectNulls: false,
    })),
  };
}

function radarOption(spec, format) {
  // Without a scale maximum, the largest value sets the rim (1 when there is no value at all).
  const top = Math.max(...spec.series.flatMap((s) => s.data.filter((v) => v !== null)), 0) || 1;
  return {
    radar: {
      indicator: spec.labels.map((name) => ({ name, max: spec.max ?? top })),
      radius: "62%",
      axisName: { color: "#343a40" },
    },
    tooltip: { trigger: "item", valueFormatter: format },
    series: [{ type: "radar", data: spec.series.map((s) => ({ name: s.name, value: s.data })), areaStyle: { opacity: 0.15 } }],
  };
}

export function buildOption(spec, locale) {
  const format = formatter(spec.format, locale);
  const option = spec.kind === "radar" ? radarOption(spec, format) : cartesianOption(spec, format, formatter(spec.format, locale, true));
  return {
    color: PALETTE,
    animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    legend: spec.series.length > 1 ? { top: 0 } : { show: false },
    ...option,
  };
}

export function mount(figure) {
  if (figure.dataset.chartMounted) return;
  const spec = JSON.parse(figure.querySelector("script.kc-chart-spec").textContent);
  const canvas = figure.querySelector(".kc-chart-canvas");
  figure.classList.add("kc-chart--mounted");
  if (spec.horizontal) {
    // One row per label: the chart grows with the list instead of squeezing it (CSSOM, allowed by CSP).
    canvas.style.height = `${Math.max(160, spec.labels.length * 44 + 40)}px`;
  }
  const chart = echarts.init(canvas, null, { renderer: "svg" });
  chart.setOption(buildOption(spec, document.documentElement.lang || "id"));
  if (spec.links) {
    // Each value leads to the rows it comes from, as the table's links do.
    chart.on("click", (params) => {
      const link = spec.links[params.dataIndex];
      if (link) window.location.assign(link);
    });
  }
  // The table stays one click away (and is what screen readers read); the chart is its picture.
  figure.querySelector("details.kc-chart-table")?.removeAttribute("open");
  new ResizeObserver(() => chart.resize()).observe(canvas);
  figure.dataset.chartMounted = "true";
}
