// Column charts as plain SVG (no library): one or more stacked series over time buckets, with a y axis of nice
// round ticks, bucket labels and a <title> tooltip per column. Colours come from CSS classes (series-0, series-1…).

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** A round tick step and the axis maximum for data up to v, with 2-5 ticks; whole steps for counts. */
function niceScale(v, integer) {
  if (!(v > 0)) return { step: integer ? 1 : 0.25, max: integer ? 4 : 1 };
  const raw = v / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  let step = 10 * p;
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * p >= raw) {
      step = m * p;
      break;
    }
  }
  if (integer) {
    step = Math.max(1, Math.ceil(step));
    if (v <= 4) return { step: 1, max: Math.max(2, Math.ceil(v)) };
  }
  return { step, max: step * Math.max(1, Math.ceil(v / step - 1e-9)) };
}

/**
 * buckets: [label strings]; series: [{name, values: [numbers, one per bucket]}]; format(n) for the axis/tooltips;
 * tooltipLabel(i) the full bucket name.
 */
export function columnChart({ buckets, series, format = String, tooltipLabel = (i) => buckets[i], height = 220, ariaLabel, integer = false, width = 560 }) {
  const totals = buckets.map((_, i) => series.reduce((a, sr) => a + (Number(sr.values[i]) || 0), 0));
  const { step, max } = niceScale(Math.max(0, ...totals), integer);
  // room on the left for the longest tick label (about 7 units per character at font-size 12)
  const longest = Math.max(...Array.from({ length: Math.round(max / step) + 1 }, (_, k) => String(format(step * k)).length));
  const pad = { l: Math.max(36, 14 + longest * 7), r: 12, t: 12, b: 28 };
  const iw = width - pad.l - pad.r;
  const ih = height - pad.t - pad.b;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': ariaLabel || '' });
  // grid + y ticks
  const ticks = Math.round(max / step);
  for (let k = 0; k <= ticks; k++) {
    const v = step * k;
    const y = pad.t + ih - (ih * k) / ticks;
    svg.append(s('line', { x1: pad.l, x2: width - pad.r, y1: y, y2: y, class: k === 0 ? 'axis' : 'grid' }));
    svg.append(s('text', { x: pad.l - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, format(v)));
  }
  const n = Math.max(buckets.length, 1);
  const slot = iw / n;
  const bw = Math.max(2, Math.min(48, slot * 0.7));
  const labelEvery = Math.ceil(n / 8);
  buckets.forEach((label, i) => {
    const x = pad.l + slot * i + (slot - bw) / 2;
    let y0 = pad.t + ih;
    const parts = series.map((sr) => `${sr.name}: ${format(Number(sr.values[i]) || 0)}`).join('\n');
    const g = s('g', { class: 'column' }, s('title', {}, `${tooltipLabel(i)}\n${parts}`));
    series.forEach((sr, si) => {
      const v = Number(sr.values[i]) || 0;
      const hgt = (ih * v) / max;
      if (hgt > 0) {
        g.append(s('rect', { x, y: y0 - hgt, width: bw, height: Math.max(hgt, 1), class: `series-${si}`, rx: 2 }));
        y0 -= hgt;
      }
    });
    // an invisible full-height hit area so the tooltip works on short columns
    g.append(s('rect', { x: pad.l + slot * i, y: pad.t, width: slot, height: ih, class: 'hit' }));
    svg.append(g);
    if (i % labelEvery === 0) {
      svg.append(s('text', { x: x + bw / 2, y: height - 8, class: 'tick', 'text-anchor': 'middle' }, label));
    }
  });
  if (buckets.length === 0) {
    svg.append(s('text', { x: width / 2, y: height / 2, class: 'tick', 'text-anchor': 'middle' }, 'no data in this range'));
  }
  return svg;
}

/** A legend for the series of a chart. */
export function legend(series) {
  const d = document.createElement('div');
  d.className = 'legend';
  series.forEach((sr, i) => {
    const item = document.createElement('span');
    const sw = document.createElement('i');
    sw.className = `swatch series-${i}`;
    item.append(sw, document.createTextNode(sr.name));
    d.append(item);
  });
  return d;
}
