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
    case 'bell-ack': // bell with a check
      svg.append(s('path', { d: 'M6 16V11a6 6 0 0112 0v5l2 2H4zM10 20a2 2 0 004 0', ...stroke }), s('path', { d: 'M9 11.5l2 2 4-4', ...stroke }));
      break;
    case 'returned': // arrow coming back to a baseline
      svg.append(s('path', { d: 'M20 7H9a5 5 0 000 10h8', ...stroke }), s('path', { d: 'M13 3L9 7l4 4', ...stroke }));
      break;
    case 'shelved': // a box on a shelf with a clock hand
      svg.append(s('path', { d: 'M3 20h18M5 20V9h14v11', ...stroke }), s('circle', { cx: 12, cy: 14.5, r: 3, ...stroke }), s('path', { d: 'M12 13v1.6l1 .9', ...stroke }));
      break;
    case 'out-of-service': // wrench
      svg.append(s('path', { d: 'M14.5 6.5a4 4 0 00-5.3 5.3L3 18l3 3 6.2-6.2a4 4 0 005.3-5.3l-2.6 2.6-2.4-.6-.6-2.4z', ...stroke }));
      break;
    case 'trend': // rising line to a limit
      svg.append(s('path', { d: 'M3 4h18', ...stroke, 'stroke-dasharray': '3 2' }), s('path', { d: 'M3 19l6-5 4 2 8-9', ...stroke }));
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

/**
 * ISA-18.2 alarm states in words, with their icon (colour comes from the class `alarm-state-<state>`).
 * @type {Record<string, { text: string, short: string, icon: string }>}
 */
export const ALARM_STATES = {
  ACTIVE_UNACKED: { text: 'Active, unacknowledged', short: 'Unacknowledged', icon: 'bell' },
  ACTIVE_ACKED: { text: 'Active, acknowledged', short: 'Acknowledged', icon: 'bell-ack' },
  RETURNED_UNACKED: { text: 'Returned to normal, unacknowledged', short: 'Returned, unacknowledged', icon: 'returned' },
  SHELVED: { text: 'Shelved', short: 'Shelved', icon: 'shelved' },
  OUT_OF_SERVICE: { text: 'Out of service', short: 'Out of service', icon: 'out-of-service' },
};

/**
 * The ISA-18.2 state of an alarm as a badge: icon + words + colour. A shelved alarm says
 * "Shelved" first (grey, never red): it is not annunciated.
 * @param {string} state ACTIVE_UNACKED | ACTIVE_ACKED | RETURNED_UNACKED | OUT_OF_SERVICE
 * @param {{ shelved?: boolean, short?: boolean, testid?: string }} [opts]
 */
export function alarmStateBadge(state, opts = {}) {
  const meta = ALARM_STATES[state] ?? { text: state, short: state, icon: 'dot' };
  const text = opts.short ? meta.short : meta.text;
  if (opts.shelved) {
    return h('span', { class: 'badge alarm-state alarm-state-shelved', 'data-state': state, 'data-testid': opts.testid, title: `Shelved; underneath: ${meta.text}` }, [icon('shelved'), h('span', { text: `Shelved · ${meta.short}` })]);
  }
  return h('span', { class: `badge alarm-state alarm-state-${state.toLowerCase()}`, 'data-state': state, 'data-testid': opts.testid, title: meta.text }, [icon(meta.icon), h('span', { text })]);
}
