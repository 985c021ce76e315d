// dossier dashboard charts: each <figure data-chart="name"> is drawn as an
// SVG from /api/dashboard/charts/<name>. No library and no CDN: the
// workspace must work offline. After drawing, the figure carries
// data-total (what the chart counts, from the server) and data-drawn (the
// sum of the bars, or the number of points, actually drawn) so anyone can
// check a picture against the numbers.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 560, HEIGHT = 270;
const PAD = {left: 46, right: 12, top: 14, bottom: 70};
const MAX_LABELS = 12;
// Fixed colours for states and decisions, so they mean the same on every chart.
const NAMED = {
  archived: "#2e8b57", review: "#e0a800", quarantined: "#c0392b", failed: "#7b241c",
  returned: "#8e44ad", received: "#95a5a6", processing: "#3498db",
  open: "#2f6fb0", awaiting_second: "#8e44ad", customers: "#2f6fb0", other: "#95a5a6",
};
const PALETTE = ["#2f6fb0", "#e67e22", "#16a085", "#8e44ad", "#c0392b", "#7f8c8d", "#d35400",
                 "#27ae60", "#2c3e50"];

function svgEl(name, attrs, parent) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function colourOf(name, index) {
  return NAMED[name] || PALETTE[index % PALETTE.length];
}

// The smallest 1, 2 or 5 × 10^n at or above `value`.
function niceStep(value) {
  if (value <= 0) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= value);
}

// The top of a y axis with four clean ticks; counts tick in whole numbers.
function axisTop(max, whole) {
  const step = niceStep(max / 4);
  return 4 * (whole ? Math.max(1, Math.ceil(step)) : step);
}

// "2026-11-01T14" → "14:00", "2026-11-01" → "11-01"; category codes unchanged.
function shortLabel(label) {
  const hour = /T(\d\d)$/.exec(label);
  if (hour) return `${hour[1]}:00`;
  if (/^\d{4}-\d\d-\d\d$/.test(label)) return label.slice(5);
  return label.length > 24 ? `${label.slice(0, 23)}…` : label;
}

function plotArea() {
  return {x: PAD.left, y: PAD.top, w: WIDTH - PAD.left - PAD.right,
          h: HEIGHT - PAD.top - PAD.bottom};
}

function drawAxes(svg, chart, top, area) {
  for (let i = 0; i <= 4; i++) {
    const value = (top * i) / 4;
    const y = area.y + area.h - (area.h * i) / 4;
    svgEl("line", {x1: area.x, x2: area.x + area.w, y1: y, y2: y, class: "grid"}, svg);
    svgEl("text", {x: area.x - 6, y: y + 4, class: "tick", "text-anchor": "end"}, svg)
      .textContent = Number.isInteger(value) ? value : value.toFixed(1);
  }
  const slot = area.w / Math.max(chart.x.length, 1);
  const every = Math.ceil(chart.x.length / MAX_LABELS);
  chart.x.forEach((label, i) => {
    if (i % every) return;
    const x = area.x + slot * (i + 0.5), y = area.y + area.h + 12;
    const text = svgEl("text", {x, y, class: "tick", "text-anchor": "end",
                                transform: `rotate(-35 ${x} ${y})`}, svg);
    text.textContent = shortLabel(label);
    if (chart.marked.includes(label)) text.classList.add("late");
  });
}

function markLate(svg, chart, area) {
  const slot = area.w / chart.x.length;
  chart.x.forEach((label, i) => {
    if (!chart.marked.includes(label)) return;
    svgEl("rect", {x: area.x + slot * i, y: area.y, width: slot, height: area.h,
                   class: "late-band"}, svg);
  });
}

// Bars, stacked when there are several series. Returns the sum drawn.
function drawBars(svg, chart, area) {
  const totals = chart.x.map((_, i) => chart.series.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const top = axisTop(Math.max(0, ...totals), true);
  markLate(svg, chart, area);
  drawAxes(svg, chart, top, area);
  const slot = area.w / chart.x.length, width = Math.max(1, slot * 0.7);
  let drawn = 0;
  chart.x.forEach((label, i) => {
    let base = 0;
    chart.series.forEach((series, k) => {
      const value = series.values[i] || 0;
      if (!value) return;
      const y = area.y + area.h - (area.h * (base + value)) / top;
      const bar = svgEl("rect", {x: area.x + slot * i + (slot - width) / 2, y, width,
                                 height: (area.h * value) / top, fill: colourOf(series.name, k),
                                 class: "bar", "data-x": label, "data-series": series.name,
                                 "data-value": value}, svg);
      svgEl("title", {}, bar).textContent = `${label} · ${series.name}: ${value}`;
      base += value;
      drawn += value;
    });
  });
  return drawn;
}

// Lines with a dot per known value (gaps where there is none). Returns the
// number of points drawn.
function drawLines(svg, chart, area) {
  const known = chart.series.flatMap((s) => s.values.filter((v) => v !== null));
  const top = chart.unit === "%" ? 100 : axisTop(Math.max(0, ...known), false);
  drawAxes(svg, chart, top, area);
  const slot = area.w / chart.x.length;
  let drawn = 0;
  chart.series.forEach((series, k) => {
    const colour = colourOf(series.name, k);
    const points = [];
    series.values.forEach((value, i) => {
      if (value === null) return;
      const x = area.x + slot * (i + 0.5), y = area.y + area.h - (area.h * value) / top;
      points.push(`${x},${y}`);
      const dot = svgEl("circle", {cx: x, cy: y, r: 3.5, fill: colour, class: "point",
                                   "data-x": chart.x[i], "data-value": value}, svg);
      svgEl("title", {}, dot).textContent = `${chart.x[i]}: ${value}${chart.unit}`;
      drawn += 1;
    });
    svgEl("polyline", {points: points.join(" "), stroke: colour, fill: "none",
                       class: "line"}, svg);
  });
  return drawn;
}

function legend(chart) {
  const list = document.createElement("ul");
  list.className = "legend";
  chart.series.forEach((series, k) => {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colourOf(series.name, k);  // CSSOM: allowed by the CSP
    item.append(swatch, series.name);
    list.appendChild(item);
  });
  return list;
}

function draw(figure, chart) {
  const plot = figure.querySelector(".plot");
  plot.textContent = "";
  figure.querySelector(".title").textContent = chart.title;
  const note = document.createElement("p");
  note.className = "note";
  note.textContent = `${chart.total} ${chart.unit === "%" ? "decisions" : chart.unit}` +
    (chart.note ? ` · ${chart.note}` : "");
  const empty = !chart.x.length || !chart.series.length;
  let drawn = 0;
  if (empty) {
    plot.textContent = "no data yet 暂无数据";
  } else {
    const svg = svgEl("svg", {viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img",
                              "aria-label": chart.title});
    drawn = chart.kind === "line" ? drawLines(svg, chart, plotArea())
                                  : drawBars(svg, chart, plotArea());
    plot.append(svg, legend(chart));
  }
  plot.appendChild(note);
  figure.dataset.total = chart.total;
  figure.dataset.drawn = drawn;
  figure.dataset.ready = "1";
}

async function load(figure) {
  try {
    const response = await fetch(`/api/dashboard/charts/${figure.dataset.chart}`,
                                 {credentials: "same-origin"});
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    draw(figure, await response.json());
  } catch (error) {
    figure.querySelector(".plot").textContent = `could not load: ${error.message}`;
    figure.dataset.error = error.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("figure.chart[data-chart]").forEach(load);
});
