// Inline SVG charts: time series as lines or bars, with thresholds, breach shading and zone bands.
// Large series are reduced per pixel column (min, max, first and last of each bucket) before
// drawing, so 10k+ points draw as at most 4 points per column.
import { h, s, dateTime, num } from './dom.js';

/**
 * @typedef {{ min?: number | null, max?: number | null }} Limit
 * @typedef {{ zone: string, max: number | null }} Zone
 * @typedef {{ x: number, min: number, max: number, first: number, last: number, minFirst: boolean, tFirst: number, tLast: number }} Bucket
 * @typedef {{ ts: ArrayLike<number>, values: ArrayLike<number> }} SeriesData  time-ordered, ts in ms, NaN = no value
 */

let chartSeq = 0;

/**
 * Reduce a time-ordered series to one bucket per `columnPx` pixel columns of `width`:
 * each bucket keeps min, max, first and last value (M4), enough to draw the line exactly.
 * @param {ArrayLike<number>} ts
 * @param {ArrayLike<number>} values
 * @param {number} t0 domain start (ms)
 * @param {number} t1 domain end (ms)
 * @param {number} width plot width in px
 * @param {number} [columnPx] bucket width in px
 * @returns {Bucket[]}
 */
export function downsample(ts, values, t0, t1, width, columnPx = 1) {
  const columns = Math.max(1, Math.floor(width / columnPx));
  const span = t1 - t0 || 1;
  /** @type {Bucket[]} */
  const out = [];
  /** @type {Bucket | null} */
  let cur = null;
  let curCol = -1;
  let minAt = 0;
  let maxAt = 0;
  for (let i = 0; i < ts.length; i++) {
    const v = values[i];
    const t = ts[i];
    if (v === undefined || t === undefined || Number.isNaN(v) || t < t0 || t > t1) continue;
    const col = Math.min(columns - 1, Math.floor(((t - t0) / span) * columns));
    if (col !== curCol || cur === null) {
      if (cur) {
        cur.minFirst = minAt <= maxAt;
        out.push(cur);
      }
      cur = { x: col * columnPx, min: v, max: v, first: v, last: v, minFirst: true, tFirst: t, tLast: t };
      curCol = col;
      minAt = maxAt = i;
    } else {
      if (v < cur.min) {
        cur.min = v;
        minAt = i;
      }
      if (v > cur.max) {
        cur.max = v;
        maxAt = i;
      }
      cur.last = v;
      cur.tLast = t;
    }
  }
  if (cur) {
    cur.minFirst = minAt <= maxAt;
    out.push(cur);
  }
  return out;
}

/**
 * "Nice" ticks over [lo, hi].
 * @param {number} lo
 * @param {number} hi
 * @param {number} count
 */
export function niceTicks(lo, hi, count) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [SECOND, 5 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 30 * DAY];

/**
 * Time ticks (local time) over [t0, t1], about one per `spacingPx`.
 * @param {number} t0
 * @param {number} t1
 * @param {number} width
 * @param {number} spacingPx
 */
export function timeTicks(t0, t1, width, spacingPx) {
  const wanted = Math.max(2, Math.floor(width / spacingPx));
  const step = TIME_STEPS.find((st) => (t1 - t0) / st <= wanted) ?? TIME_STEPS[TIME_STEPS.length - 1];
  const offset = new Date(t0).getTimezoneOffset() * MINUTE;
  const ticks = [];
  for (let t = Math.ceil((t0 - offset) / step) * step + offset; t <= t1; t += step) ticks.push(t);
  return { ticks, step };
}

/** @param {number} t @param {number} step @param {number} span */
function timeLabel(t, step, span) {
  const d = new Date(t);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}${step < MINUTE ? `:${pad(d.getSeconds())}` : ''}`;
  if (span < DAY && step < DAY) return hm;
  const day = d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return step >= DAY ? day : `${day} ${hm}`;
}

/**
 * @typedef {object} ChartOptions
 * @property {'line' | 'bars'} kind
 * @property {string} metric e.g. temperatureC
 * @property {string} title
 * @property {string} unit
 * @property {string} testid data-testid of the chart figure
 * @property {Limit | null} [limit]
 * @property {Zone[] | null} [zones]
 */

/**
 * A chart bound to a container element; redraws on resize.
 * @param {HTMLElement} container
 * @param {ChartOptions} options
 */
export function createChart(container, options) {
  const id = `chart-${++chartSeq}`;
  const figure = h('figure', { class: `chart chart-${options.kind}`, 'data-testid': options.testid, 'data-metric': options.metric });
  const caption = h('figcaption', { id: `${id}-caption` });
  const plot = h('div', { class: 'chart-plot' });
  const tip = h('div', { class: 'chart-tip', hidden: true, 'aria-hidden': 'true' });
  figure.append(caption, plot, tip);
  container.append(figure);

  /** @type {SeriesData} */
  let data = { ts: [], values: [] };
  /** @type {[number, number]} */
  let domain = [0, 1];
  /** @type {number | null} */
  let cursor = null;
  /** @type {Bucket[]} */
  let buckets = [];
  /** @type {{ x0: number, plotW: number, t0: number, t1: number, y: (v: number) => number } | null} */
  let geometry = null;
  let frame = 0;

  const schedule = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  };
  const observer = new ResizeObserver(schedule);
  observer.observe(plot);

  function limitOf() {
    const l = options.limit ?? {};
    return { min: typeof l.min === 'number' ? l.min : null, max: typeof l.max === 'number' ? l.max : null };
  }

  function draw() {
    const width = Math.max(200, Math.floor(plot.clientWidth));
    const height = Math.max(120, Math.floor(plot.clientHeight));
    const rem = parseFloat(getComputedStyle(plot).fontSize) || 16;
    const margin = { top: rem * 0.8, right: rem * (options.zones ? 2.2 : 1.6), bottom: rem * 1.9, left: rem * 3.6 };
    const plotW = Math.max(10, width - margin.left - margin.right);
    const plotH = Math.max(10, height - margin.top - margin.bottom);
    const [t0, t1] = domain;
    const limit = limitOf();

    buckets = downsample(data.ts, data.values, t0, t1, plotW, options.kind === 'bars' ? Math.max(3, Math.round(rem / 4)) : 1);
    let lo = Infinity;
    let hi = -Infinity;
    for (const b of buckets) {
      if (b.min < lo) lo = b.min;
      if (b.max > hi) hi = b.max;
    }
    const count = buckets.length;
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (limit.max !== null) hi = Math.max(hi, limit.max);
    if (limit.min !== null) lo = Math.min(lo, limit.min);
    if (options.zones) {
      const top = options.zones.filter((z) => z.max !== null).map((z) => /** @type {number} */ (z.max));
      hi = Math.max(hi, (Math.max(...top, 0) || 1) * 1.15);
      lo = Math.min(lo, 0);
    }
    if (options.kind === 'bars' && lo > 0) lo = 0;
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.06;
    hi += pad;
    if (options.kind === 'line' && !options.zones) lo -= pad;
    const yTicks = niceTicks(lo, hi, Math.max(2, Math.floor(plotH / (rem * 2.6))));
    lo = Math.min(lo, yTicks[0] ?? lo);
    const y = (/** @type {number} */ v) => margin.top + plotH - ((v - lo) / (hi - lo || 1)) * plotH;
    const x = (/** @type {number} */ t) => margin.left + ((t - t0) / (t1 - t0 || 1)) * plotW;
    geometry = { x0: margin.left, plotW, t0, t1, y };

    const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, class: 'chart-svg' });
    const title = s('title', { id: `${id}-title` });
    title.textContent = `${options.title} (${options.unit})`;
    const desc = s('desc', { id: `${id}-desc` });
    desc.textContent = describe(limit);
    svg.append(title, desc);

    // Zone bands (vibration severity), behind everything.
    if (options.zones) {
      let from = Math.min(lo, 0);
      const g = s('g', { class: 'zones' });
      for (const z of options.zones) {
        const to = z.max === null ? hi : Math.min(z.max, hi);
        if (to > from) {
          g.append(s('rect', { class: `zone zone-${z.zone.toLowerCase()}`, x: margin.left, width: plotW, y: y(to), height: Math.max(0, y(from) - y(to)), 'data-zone': z.zone, 'data-testid': `zone-${options.metric}-${z.zone}` }));
          const label = s('text', { class: 'zone-label', x: margin.left + plotW + rem * 0.4, y: (y(to) + y(from)) / 2, 'dominant-baseline': 'middle' });
          label.textContent = z.zone;
          g.append(label);
        }
        if (z.max === null) break;
        from = z.max;
      }
      svg.append(g);
    }

    // Grid and axes.
    const grid = s('g', { class: 'grid' });
    for (const v of yTicks) {
      if (v < lo || v > hi) continue;
      grid.append(s('line', { x1: margin.left, x2: margin.left + plotW, y1: y(v), y2: y(v) }));
      const label = s('text', { class: 'tick', x: margin.left - rem * 0.35, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' });
      label.textContent = num(v, 2);
      grid.append(label);
    }
    const { ticks, step } = timeTicks(t0, t1, plotW, rem * 8);
    for (const t of ticks) {
      grid.append(s('line', { class: 'vtick', x1: x(t), x2: x(t), y1: margin.top, y2: margin.top + plotH }));
      const label = s('text', { class: 'tick', x: x(t), y: margin.top + plotH + rem * 1.3, 'text-anchor': 'middle' });
      label.textContent = timeLabel(t, step, t1 - t0);
      grid.append(label);
    }
    grid.append(s('line', { class: 'axis', x1: margin.left, x2: margin.left + plotW, y1: margin.top + plotH, y2: margin.top + plotH }));
    svg.append(grid);

    const clipId = `${id}-clip`;
    svg.append(s('clipPath', { id: clipId }, [s('rect', { x: margin.left, y: margin.top, width: plotW, height: plotH })]));
    const body = s('g', { 'clip-path': `url(#${clipId})` });
    svg.append(body);

    if (options.kind === 'line') drawLine(body, svg, { x, y, margin, plotW, plotH, limit, clipId });
    else drawBars(body, { x, y, margin, plotW, limit, lo });

    // Thresholds over the data.
    for (const [which, value] of /** @type {Array<['max' | 'min', number | null]>} */ ([['max', limit.max], ['min', limit.min]])) {
      if (value === null) continue;
      const testid = which === 'max' || limit.max === null ? `threshold-${options.metric}` : `threshold-${options.metric}-min`;
      const g = s('g', { class: 'threshold', 'data-testid': testid, 'data-value': value, 'data-kind': which });
      g.append(s('line', { x1: margin.left, x2: margin.left + plotW, y1: y(value), y2: y(value) }));
      const label = s('text', { class: 'threshold-label', x: margin.left + plotW - rem * 0.3, y: y(value) - rem * 0.3, 'text-anchor': 'end' });
      label.textContent = `${which === 'max' ? 'limit' : 'min'} ${num(value, 2)} ${options.unit}`;
      g.append(label);
      svg.append(g);
    }

    if (cursor !== null && cursor >= t0 && cursor <= t1) {
      svg.append(s('line', { class: 'cursor', 'data-testid': `cursor-${options.metric}`, x1: x(cursor), x2: x(cursor), y1: margin.top, y2: margin.top + plotH }));
    }
    if (count === 0) {
      const empty = s('text', { class: 'empty', x: margin.left + plotW / 2, y: margin.top + plotH / 2, 'text-anchor': 'middle' });
      empty.textContent = 'No readings in this range';
      svg.append(empty);
    }
    svg.addEventListener('pointermove', onPointer);
    svg.addEventListener('pointerleave', () => {
      tip.hidden = true;
    });
    plot.replaceChildren(svg);
    figure.dataset.points = String(countPoints());
    figure.dataset.buckets = String(count);
    caption.replaceChildren(h('span', { class: 'chart-title', text: `${options.title} (${options.unit})` }), h('span', { class: 'chart-meta', text: summary(limit) }));
  }

  /**
   * @param {SVGElement} body
   * @param {SVGElement} svg
   * @param {{ x: (t: number) => number, y: (v: number) => number, margin: { left: number, top: number }, plotW: number, plotH: number, limit: { min: number | null, max: number | null }, clipId: string }} g
   */
  function drawLine(body, svg, g) {
    if (!buckets.length) return;
    const { y, margin, plotW, plotH, limit } = g;
    const colX = (/** @type {Bucket} */ b) => margin.left + b.x + 0.5;
    /** @type {string[]} */
    const parts = [];
    for (const b of buckets) {
      const xx = colX(b).toFixed(1);
      const seq = b.min === b.max ? [b.first] : b.minFirst ? [b.first, b.min, b.max, b.last] : [b.first, b.max, b.min, b.last];
      for (const v of seq) parts.push(`${parts.length ? 'L' : 'M'}${xx},${y(v).toFixed(1)}`);
    }
    const d = parts.join('');
    // Breach shading: the area between the line and each limit, clipped to the far side of it.
    const first = buckets[0];
    const last = buckets[buckets.length - 1];
    for (const [which, value] of /** @type {Array<['max' | 'min', number | null]>} */ ([['max', limit.max], ['min', limit.min]])) {
      if (value === null || !first || !last) continue;
      const breached = buckets.some((b) => (which === 'max' ? b.max > value : b.min < value));
      if (!breached) continue;
      const yl = y(value);
      const clip = `${g.clipId}-${which}`;
      const rect = which === 'max' ? { x: margin.left, y: margin.top, width: plotW, height: Math.max(0, yl - margin.top) } : { x: margin.left, y: yl, width: plotW, height: Math.max(0, margin.top + plotH - yl) };
      svg.append(s('clipPath', { id: clip }, [s('rect', rect)]));
      const area = `M${colX(first).toFixed(1)},${yl.toFixed(1)}L${d.slice(1)}L${colX(last).toFixed(1)},${yl.toFixed(1)}Z`;
      body.append(s('path', { class: 'breach', d: area, 'clip-path': `url(#${clip})`, 'data-testid': `breach-${options.metric}`, 'data-kind': which }));
    }
    body.append(s('path', { class: 'line', d }));
  }

  /**
   * Bars from the baseline to each bucket's max (red beyond a limit), a tick at its min. Sparse
   * series get wider bars centred on their time (at most 60 % of the mean spacing).
   * @param {SVGElement} body
   * @param {{ x: (t: number) => number, y: (v: number) => number, margin: { left: number }, plotW: number, limit: { min: number | null, max: number | null }, lo: number }} g
   */
  function drawBars(body, g) {
    const { x, y, limit, plotW } = g;
    const rem = parseFloat(getComputedStyle(plot).fontSize) || 16;
    const bw = Math.max(3, Math.round(rem / 4));
    const dense = buckets.length * bw * 2 > plotW;
    const w = dense ? Math.max(1, bw - 1) : Math.max(bw - 1, Math.min((plotW / Math.max(1, buckets.length)) * 0.6, rem * 2));
    const base = y(Math.max(g.lo, 0)).toFixed(1);
    let ok = '';
    let over = '';
    let low = '';
    for (const b of buckets) {
      const left = dense ? g.margin.left + b.x : x((b.tFirst + b.tLast) / 2) - w / 2;
      const x0 = left.toFixed(1);
      const bar = `M${x0},${base}V${y(b.max).toFixed(1)}h${w.toFixed(1)}V${base}Z`;
      if ((limit.max !== null && b.max > limit.max) || (limit.min !== null && b.min < limit.min)) over += bar;
      else ok += bar;
      if (b.min !== b.max) low += `M${x0},${y(b.min).toFixed(1)}h${w.toFixed(1)}`;
    }
    body.append(s('path', { class: 'bar', d: ok }), s('path', { class: 'bar over', d: over, 'data-testid': over ? `breach-${options.metric}` : undefined }), s('path', { class: 'bar-min', d: low }));
  }

  /** @param {PointerEvent} event */
  function onPointer(event) {
    if (!geometry || !buckets.length) return;
    const svg = /** @type {SVGSVGElement} */ (event.currentTarget);
    const rect = svg.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * (svg.viewBox.baseVal.width || rect.width) - geometry.x0;
    let best = buckets[0];
    for (const b of buckets) if (Math.abs(b.x - px) < Math.abs((best?.x ?? 0) - px)) best = b;
    if (!best) return;
    const value = best.min === best.max ? `${num(best.max, 2)} ${options.unit}` : `${num(best.min, 2)} – ${num(best.max, 2)} ${options.unit}`;
    tip.textContent = `${dateTime(best.tLast)}: ${value}`;
    tip.hidden = false;
    tip.style.left = `${Math.min(rect.width - 10, Math.max(0, event.clientX - rect.left))}px`;
  }

  function countPoints() {
    let n = 0;
    for (let i = 0; i < data.values.length; i++) if (!Number.isNaN(data.values[i])) n++;
    return n;
  }

  /** @param {{ min: number | null, max: number | null }} limit */
  function describe(limit) {
    const n = countPoints();
    if (!n) return `No ${options.title.toLowerCase()} readings in the range.`;
    let hi = -Infinity;
    let lo = Infinity;
    let lastV = NaN;
    let lastT = 0;
    let breaches = 0;
    for (let i = 0; i < data.values.length; i++) {
      const v = data.values[i];
      if (v === undefined || Number.isNaN(v)) continue;
      hi = Math.max(hi, v);
      lo = Math.min(lo, v);
      lastV = v;
      lastT = data.ts[i] ?? 0;
      if ((limit.max !== null && v > limit.max) || (limit.min !== null && v < limit.min)) breaches++;
    }
    const lim = [limit.max !== null ? `limit ${limit.max}` : '', limit.min !== null ? `minimum ${limit.min}` : ''].filter(Boolean).join(', ');
    return `${n} readings from ${dateTime(domain[0])} to ${dateTime(domain[1])}; latest ${num(lastV, 2)} ${options.unit} at ${dateTime(lastT)}; range ${num(lo, 2)} to ${num(hi, 2)}${lim ? `; ${lim} ${options.unit}, ${breaches} readings beyond it` : ''}.`;
  }

  /** @param {{ min: number | null, max: number | null }} limit */
  function summary(limit) {
    const n = countPoints();
    const lim = limit.max !== null ? ` · limit ${num(limit.max, 2)} ${options.unit}` : '';
    return `${n.toLocaleString()} points${lim}`;
  }

  return {
    /** @param {SeriesData} next @param {[number, number]} nextDomain */
    update(next, nextDomain) {
      data = next;
      domain = nextDomain;
      schedule();
    },
    /** @param {Limit | null} limit */
    setLimit(limit) {
      options.limit = limit;
      schedule();
    },
    /** @param {Zone[] | null} zones */
    setZones(zones) {
      options.zones = zones;
      schedule();
    },
    /** @param {number | null} t */
    setCursor(t) {
      cursor = t;
      schedule();
    },
    destroy() {
      observer.disconnect();
      if (frame) cancelAnimationFrame(frame);
      figure.remove();
    },
  };
}
