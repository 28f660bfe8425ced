// Status presentation: colour, text and icon together (colour is never the only signal).
import { h, s } from './dom.js';

/** @type {Record<string, { text: string, icon: string }>} */
const STATUS = {
  OPERATIONAL: { text: 'Operational', icon: 'ok' },
  WARNING: { text: 'Warning', icon: 'warn' },
  ALARM: { text: 'Alarm', icon: 'alarm' },
  SENSOR_FAULT: { text: 'Sensor fault', icon: 'fault' },
  OFFLINE: { text: 'Offline', icon: 'off' },
  NO_DATA: { text: 'No data yet', icon: 'nodata' },
};

export const STATUSES = Object.keys(STATUS);

/** @param {string} name */
export function icon(name) {
  const svg = s('svg', { viewBox: '0 0 24 24', width: '1.2em', height: '1.2em', 'aria-hidden': 'true', focusable: 'false', class: `icon icon-${name}` });
  const stroke = { fill: 'none', stroke: 'currentColor', 'stroke-width': 2.2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' };
  switch (name) {
    case 'ok': // check in a circle
      svg.append(s('circle', { cx: 12, cy: 12, r: 10, ...stroke }), s('path', { d: 'M7 12.5l3.2 3.2L17 9', ...stroke }));
      break;
    case 'warn': // triangle with !
      svg.append(s('path', { d: 'M12 3L2 21h20L12 3z', ...stroke }), s('path', { d: 'M12 10v5M12 18v.5', ...stroke }));
      break;
    case 'alarm': // octagon with !
      svg.append(s('path', { d: 'M8 2h8l6 6v8l-6 6H8l-6-6V8z', ...stroke }), s('path', { d: 'M12 7v6M12 16.5v.5', ...stroke }));
      break;
    case 'fault': // crossed sensor wave
      svg.append(s('path', { d: 'M2 12h4l2-5 4 10 2-5h8', ...stroke }), s('path', { d: 'M4 4l16 16', ...stroke }));
      break;
    case 'off': // circle with slash
      svg.append(s('circle', { cx: 12, cy: 12, r: 10, ...stroke }), s('path', { d: 'M5 19L19 5', ...stroke }));
      break;
    case 'nodata': // dashed circle
      svg.append(s('circle', { cx: 12, cy: 12, r: 10, ...stroke, 'stroke-dasharray': '3 3' }), s('path', { d: 'M8 12h8', ...stroke }));
      break;
    case 'bell':
      svg.append(s('path', { d: 'M6 16V11a6 6 0 0112 0v5l2 2H4zM10 20a2 2 0 004 0', ...stroke }));
      break;
    default:
      svg.append(s('circle', { cx: 12, cy: 12, r: 4, fill: 'currentColor' }));
  }
  return svg;
}

/** @param {string} status */
export function statusText(status) {
  return STATUS[status]?.text ?? status;
}

/**
 * A badge: icon + text, coloured by status class.
 * @param {string} status
 * @param {{ testid?: string }} [opts]
 */
export function statusBadge(status, opts = {}) {
  const meta = STATUS[status] ?? { text: status, icon: 'dot' };
  return h('span', { class: `badge status status-${status.toLowerCase()}`, 'data-status': status, 'data-testid': opts.testid }, [icon(meta.icon), h('span', { text: meta.text })]);
}

/** @param {string} severity LOW | MEDIUM | HIGH | CRITICAL */
export function severityBadge(severity) {
  return h('span', { class: `badge severity severity-${String(severity).toLowerCase()}`, title: `Severity ${severity}` }, [icon(severity === 'LOW' ? 'warn' : 'alarm'), h('span', { text: severity })]);
}
