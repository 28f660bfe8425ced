// Small DOM and formatting helpers shared by the views. No framework: h() builds elements.

/**
 * @typedef {Record<string, unknown>} Attrs
 * @typedef {Node | string | number | null | undefined | false} Child
 */

/**
 * Create an element. Attributes: `class`, `text`, `on<event>` handlers, `dataset` entries as
 * `data-*`, boolean `true` as an empty attribute, `false`/null/undefined skipped.
 * @param {string} tag
 * @param {Attrs} [attrs]
 * @param {Child | Child[]} [children]
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    else if (key === 'value' && 'value' in el) /** @type {HTMLInputElement} */ (el).value = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} parent
 * @param {Child | Child[]} children
 */
export function append(parent, children) {
  for (const child of Array.isArray(children) ? children : [children]) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'object' ? child : String(child));
  }
}

/** @param {Element} el @param {Child | Child[]} children */
export function replaceChildren(el, children) {
  el.replaceChildren();
  append(el, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Create an SVG element with attributes.
 * @param {string} tag
 * @param {Record<string, string | number | undefined | null>} [attrs]
 * @param {Element[]} [children]
 * @returns {SVGElement}
 */
export function s(tag, attrs = {}, children = []) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    el.setAttribute(key, String(value));
  }
  for (const child of children) el.append(child);
  return el;
}

/** @type {Record<string, { unit: string, name: string }>} */
export const METRICS = {
  temperatureC: { unit: '°C', name: 'Temperature' },
  pressurePsi: { unit: 'psi', name: 'Pressure' },
  vibrationMmS: { unit: 'mm/s', name: 'Vibration' },
};

/**
 * @param {number | null | undefined} value
 * @param {number} [digits]
 */
export function num(value, digits = 1) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** @param {string} metric @param {number | null | undefined} value */
export function metricText(metric, value) {
  const unit = METRICS[metric]?.unit ?? '';
  return value === null || value === undefined ? '—' : `${num(value, 2)} ${unit}`.trim();
}

/** @param {string | number | null | undefined} iso */
export function dateTime(iso) {
  if (iso === null || iso === undefined || iso === '') return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/**
 * "in 3 h 20 min" / "5 min ago".
 * @param {string | number | null | undefined} iso
 * @param {number} [now]
 */
export function relative(iso, now = Date.now()) {
  if (iso === null || iso === undefined) return '—';
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const diff = t - now;
  const abs = Math.abs(diff);
  const min = Math.round(abs / 60000);
  let text;
  if (abs < 60000) text = `${Math.round(abs / 1000)} s`;
  else if (min < 60) text = `${min} min`;
  else if (min < 48 * 60) text = `${Math.floor(min / 60)} h ${min % 60} min`;
  else text = `${Math.round(min / 1440)} days`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/**
 * A <time> element with the absolute time as text (or relative) and the other in its title.
 * @param {string | null | undefined} iso
 * @param {{ relative?: boolean }} [opts]
 */
export function timeEl(iso, opts = {}) {
  if (!iso) return h('span', { text: '—' });
  return h('time', { datetime: iso, title: opts.relative ? dateTime(iso) : relative(iso), text: opts.relative ? relative(iso) : dateTime(iso) });
}

/**
 * Debounce a function per key.
 * @template {unknown[]} A
 * @param {(...args: A) => void} fn
 * @param {number} ms
 */
export function debounce(fn, ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const wrapped = (/** @type {A} */ ...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

/**
 * Run `fn` once after at most `ms` of the first request, however often it is requested meanwhile
 * (unlike a debounce, a steady stream of requests cannot postpone it forever). A request with a
 * shorter delay brings the run forward.
 * @param {() => void} fn
 */
export function coalesce(fn) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let due = Infinity;
  const request = (/** @type {number} */ ms) => {
    const at = Date.now() + ms;
    if (timer !== undefined && due <= at) return;
    clearTimeout(timer);
    due = at;
    timer = setTimeout(() => {
      timer = undefined;
      due = Infinity;
      fn();
    }, ms);
  };
  request.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    due = Infinity;
  };
  return request;
}

/**
 * @param {string} hash e.g. "#/assets/P-101?at=..."
 * @returns {{ path: string[], query: URLSearchParams }}
 */
export function parseHash(hash) {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

/** A status message region (role=status or alert). @param {'info' | 'error' | 'ok'} kind @param {string} text */
export function notice(kind, text) {
  return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', text });
}
