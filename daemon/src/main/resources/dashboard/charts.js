// Small SVG charts drawn by hand (no library: the daemon may run offline, and two chart kinds are
// a few dozen lines). Colours come from CSS classes so light and dark themes apply.
import {svg, fill} from './dom.js';
import {duration} from './format.js';

const HEIGHT = 150;
const PAD = {left: 44, right: 8, top: 18, bottom: 18};

function frame(container) {
  const width = Math.max(240, container.clientWidth || 480);
  const root = svg('svg', {viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img'});
  return {root, width, plotW: width - PAD.left - PAD.right, plotH: HEIGHT - PAD.top - PAD.bottom};
}

function niceMax(v, floor) {
  if (!(v > floor)) return floor;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function axes(f, max, label, bucketCount, bucketMs) {
  const {root, plotW, plotH} = f;
  for (const frac of [0, 0.5, 1]) {
    const y = PAD.top + plotH * (1 - frac);
    root.append(svg('line', {class: 'axis', x1: PAD.left, x2: PAD.left + plotW, y1: y, y2: y}));
    root.append(svg('text', {class: 'tick', x: PAD.left - 4, y: y + 3, 'text-anchor': 'end'}, label(max * frac)));
  }
  const span = (bucketCount * bucketMs) / 60000;
  root.append(svg('text', {class: 'tick', x: PAD.left, y: HEIGHT - 4}, `-${span} min`));
  root.append(svg('text', {class: 'tick', x: PAD.left + plotW, y: HEIGHT - 4, 'text-anchor': 'end'}, 'now'));
}

function empty(f, text) {
  f.root.append(svg('text', {class: 'tick', x: PAD.left + f.plotW / 2, y: PAD.top + f.plotH * 0.3, 'text-anchor': 'middle'}, text));
}

function legend(root, x, series) {
  let at = x;
  for (const s of series) {
    root.append(svg('rect', {class: s.key, x: at, y: 4, width: 10, height: 10, rx: 2}));
    const t = svg('text', {class: 'legend', x: at + 14, y: 13}, s.label);
    root.append(t);
    at += 24 + s.label.length * 6.5;
  }
}

/** Stacked bars, one per bucket: buckets[i][s.field] for each series. */
export function stackedBars(container, buckets, series, bucketMs, summary) {
  const f = frame(container);
  const totals = buckets.map((b) => series.reduce((sum, s) => sum + (b[s.field] || 0), 0));
  const max = niceMax(Math.max(...totals, 0), 4);
  axes(f, max, (v) => String(Number(v.toFixed(1))), buckets.length, bucketMs);
  if (totals.every((t) => t === 0)) empty(f, 'nothing finished yet');
  const slot = f.plotW / buckets.length;
  buckets.forEach((b, i) => {
    let base = PAD.top + f.plotH;
    for (const s of series) {
      const v = b[s.field] || 0;
      if (!v) continue;
      const h = (v / max) * f.plotH;
      base -= h;
      const rect = svg('rect', {class: s.cls, x: PAD.left + i * slot + 1, y: base, width: Math.max(1, slot - 2), height: h});
      rect.append(svg('title', {}, `${s.label}: ${v}`));
      f.root.append(rect);
    }
  });
  legend(f.root, PAD.left, series.map((s) => ({key: s.cls, label: s.label})));
  f.root.setAttribute('aria-label', summary);
  fill(container, f.root);
}

/** Lines of milliseconds per bucket; a bucket without a value leaves a gap. */
export function lines(container, buckets, series, bucketMs, summary) {
  const f = frame(container);
  const values = buckets.flatMap((b) => series.map((s) => b[s.field])).filter((v) => v !== null && v !== undefined);
  const max = niceMax(Math.max(...values, 0), 10);
  axes(f, max, (v) => (v === 0 ? '0' : duration(v)), buckets.length, bucketMs);
  if (values.length === 0) empty(f, 'no finished task sampled yet');
  const slot = f.plotW / buckets.length;
  for (const s of series) {
    let d = '';
    let pen = false;
    buckets.forEach((b, i) => {
      const v = b[s.field];
      if (v === null || v === undefined) {
        pen = false;
        return;
      }
      const x = PAD.left + i * slot + slot / 2;
      const y = PAD.top + f.plotH * (1 - v / max);
      d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
      pen = true;
      const dot = svg('circle', {class: s.dot, cx: x, cy: y, r: 2.2});
      dot.append(svg('title', {}, `${s.label}: ${duration(v)}`));
      f.root.append(dot);
    });
    if (d) f.root.append(svg('path', {class: s.cls, d}));
  }
  legend(f.root, PAD.left, series.map((s) => ({key: s.dot, label: s.label})));
  f.root.setAttribute('aria-label', summary);
  fill(container, f.root);
}
