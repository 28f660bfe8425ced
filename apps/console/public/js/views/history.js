// History: an asset's event timeline, paged by stream version, and chain verification for auditors.
import { api, canAudit } from '../api.js';
import { h, notice, replaceChildren, dateTime, metricText, num, METRICS } from '../dom.js';
import { causeText, durationText } from '../alarms.js';

const PAGE = 50;
const TYPES = [
  'ReadingsApplied',
  'TwinStatusChanged',
  'AlarmRaised',
  'AlarmAcknowledged',
  'AlarmCleared',
  'AlarmSeverityChanged',
  'AlarmReannounced',
  'AlarmShelved',
  'AlarmUnshelved',
  'AlarmRemovedFromService',
  'AlarmReturnedToService',
  'AlarmConditionChanged',
  'FailurePredicted',
  'FailurePredictionWithdrawn',
  'RulEstimated',
  'AnomalyDetected',
  'AnomalyCleared',
  'PredictionConfigured',
  'ReadingsQuarantined',
  'SensorFaultDetected',
  'SensorFaultCleared',
  'SecurityViolationDetected',
  'MaintenanceCompleted',
];
/** Bookkeeping of the alarm conditions (deadband, delays): hidden unless asked for. */
const BOOKKEEPING = new Set(['AlarmConditionChanged']);
/** @type {Record<string, string>} */
const TYPE_TEXT = {
  ReadingsApplied: 'Readings applied',
  TwinStatusChanged: 'Status changed',
  AlarmRaised: 'Alarm raised',
  AlarmAcknowledged: 'Alarm acknowledged',
  AlarmCleared: 'Alarm returned to normal',
  AlarmSeverityChanged: 'Alarm severity changed',
  AlarmReannounced: 'Alarm re-announced',
  AlarmShelved: 'Alarm shelved',
  AlarmUnshelved: 'Alarm unshelved',
  AlarmRemovedFromService: 'Alarm cause out of service',
  AlarmReturnedToService: 'Alarm cause back in service',
  AlarmConditionChanged: 'Alarm condition (bookkeeping)',
  FailurePredicted: 'Failure predicted',
  FailurePredictionWithdrawn: 'Prediction withdrawn',
  RulEstimated: 'Remaining life estimated',
  AnomalyDetected: 'Anomaly detected',
  AnomalyCleared: 'Anomaly cleared',
  PredictionConfigured: 'Prediction configured',
  ReadingsQuarantined: 'Readings quarantined',
  SensorFaultDetected: 'Sensor fault',
  SensorFaultCleared: 'Sensor fault cleared',
  SecurityViolationDetected: 'Security violation',
  MaintenanceCompleted: 'Maintenance completed',
};
/** @param {string} type */
export function typeText(type) {
  return TYPE_TEXT[type] ?? type;
}

/**
 * @param {HTMLElement} main
 * @param {{ path: string[], query: URLSearchParams }} route
 */
export function mountHistory(main, route) {
  const assetId = route.path[1] ?? '';
  let disposed = false;
  const section = h('section', { class: 'view view-history', 'aria-labelledby': 'history-title' });
  main.append(section);
  document.title = `History${assetId ? ` ${assetId}` : ''} · Twinline console`;

  const picker = h('form', { class: 'filters history-picker', 'aria-label': 'Choose an asset' });
  const pickInput = /** @type {HTMLInputElement} */ (h('input', { id: 'history-asset', list: 'history-assets', value: assetId, required: true, 'data-testid': 'history-asset', autocomplete: 'off' }));
  const datalist = h('datalist', { id: 'history-assets' });
  replaceChildren(picker, [
    h('div', { class: 'field' }, [h('label', { for: 'history-asset', text: 'Asset' }), pickInput, datalist]),
    h('button', { type: 'submit', class: 'btn', 'data-testid': 'history-go' }, 'Show history'),
  ]);
  picker.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = pickInput.value.trim();
    if (id) location.hash = `#/history/${encodeURIComponent(id)}`;
  });
  api('/fleet').then(
    (answer) => {
      if (!disposed) replaceChildren(datalist, (answer.items ?? []).map((/** @type {{ assetId: string }} */ i) => h('option', { value: i.assetId })));
    },
    () => undefined,
  );

  if (!assetId) {
    replaceChildren(section, [h('div', { class: 'view-head' }, [h('h1', { id: 'history-title', text: 'History' })]), h('p', { text: 'Choose an asset to see every event recorded for it.' }), picker]);
    pickInput.focus();
    return () => {
      disposed = true;
    };
  }

  let type = route.query.get('type') ?? '';
  let showBookkeeping = route.query.get('bookkeeping') === '1';
  let fromVersion = Number(route.query.get('fromVersion') ?? '1') || 1;
  /** @type {number[]} earlier pages' fromVersion, for "Previous" */
  const back = [];
  /** @type {number | null} */
  let next = null;

  const typeSel = /** @type {HTMLSelectElement} */ (h('select', { id: 'history-type', 'data-testid': 'history-type' }, [h('option', { value: '', text: 'All events' }), ...TYPES.map((t) => h('option', { value: t, text: `${typeText(t)} (${t})` }))]));
  const bookkeeping = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: 'history-bookkeeping', 'data-testid': 'history-bookkeeping', checked: showBookkeeping }));
  bookkeeping.addEventListener('change', () => {
    showBookkeeping = bookkeeping.checked;
    history.replaceState(null, '', historyHash());
    void load();
  });
  const historyHash = () => {
    const q = new URLSearchParams();
    if (type) q.set('type', type);
    if (showBookkeeping) q.set('bookkeeping', '1');
    const qs = q.toString();
    return `#/history/${encodeURIComponent(assetId)}${qs ? `?${qs}` : ''}`;
  };
  typeSel.value = type;
  typeSel.addEventListener('change', () => {
    type = typeSel.value;
    fromVersion = 1;
    back.length = 0;
    history.replaceState(null, '', historyHash());
    void load();
  });
  const table = h('div', { class: 'timeline', 'data-testid': 'history-timeline' });
  const prevBtn = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn', 'data-testid': 'history-prev', disabled: true }, 'Previous'));
  const nextBtn = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn', 'data-testid': 'history-next', disabled: true }, 'Next'));
  const pageInfo = h('span', { class: 'page-info', 'aria-live': 'polite' });
  prevBtn.addEventListener('click', () => {
    const p = back.pop();
    if (p === undefined) return;
    fromVersion = p;
    void load();
  });
  nextBtn.addEventListener('click', () => {
    if (next === null) return;
    back.push(fromVersion);
    fromVersion = next;
    void load();
  });

  const verifyResult = h('div', { class: 'verify-result', 'aria-live': 'polite', 'data-testid': 'verify-result' });
  const verify = canAudit()
    ? h('div', { class: 'panel verify' }, [
        h('h2', { text: 'Tamper evidence' }),
        h('p', { class: 'help', text: "Re-hash this asset's stored events and check every link of the chain." }),
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'verify-chain', onclick: (/** @type {Event} */ e) => void runVerify(/** @type {HTMLButtonElement} */ (e.currentTarget)) }, 'Verify chain'),
        verifyResult,
      ])
    : null;

  replaceChildren(section, [
    h('div', { class: 'view-head' }, [
      h('h1', { id: 'history-title', text: `History of ${assetId}` }),
      h('p', { class: 'asset-meta' }, [h('a', { href: `#/assets/${encodeURIComponent(assetId)}`, text: 'Asset' }), ' · ', h('a', { href: `#/work-orders?assetId=${encodeURIComponent(assetId)}`, text: 'Work orders' })]),
    ]),
    picker,
    verify,
    h('div', { class: 'filters' }, [
      h('div', { class: 'field' }, [h('label', { for: 'history-type', text: 'Event type' }), typeSel]),
      h('div', { class: 'field field-check' }, [bookkeeping, h('label', { for: 'history-bookkeeping', text: 'Show alarm-condition bookkeeping (AlarmConditionChanged)' })]),
    ]),
    table,
    h('div', { class: 'pager' }, [prevBtn, pageInfo, nextBtn]),
  ]);

  /** @param {HTMLButtonElement} button */
  async function runVerify(button) {
    button.disabled = true;
    verifyResult.replaceChildren(notice('info', 'Verifying…'));
    try {
      const r = await api('/audit/verify', { query: { assetId } });
      if (disposed) return;
      const ok = r.valid ?? r.ok;
      verifyResult.dataset.valid = ok ? 'true' : 'false';
      const first = (r.breaks ?? [])[0];
      replaceChildren(verifyResult, [
        ok
          ? h('p', { class: 'notice notice-ok', role: 'status' }, [`Chain intact: ${r.events ?? '?'} events in ${r.streams ?? '?'} stream(s) verified`, r.checkedAt ? ` at ${dateTime(r.checkedAt)}` : '', '.'])
          : h('div', { class: 'notice notice-error', role: 'alert' }, [
              h('strong', { text: 'Chain broken. ' }),
              first
                ? h('span', {
                    text: `First broken link: stream ${first.streamId}, version ${first.streamVersion}, position ${first.position}, event ${first.eventId}: ${first.reason}${first.missingVersions ? ` (missing versions ${first.missingVersions.join(', ')})` : ''}${first.detail ? ` — ${first.detail}` : ''}`,
                  })
                : h('span', { text: 'No break details in the answer.' }),
              (r.breaks ?? []).length > 1 ? h('p', { text: `${r.breaks.length} broken streams${r.truncated ? ' (list truncated)' : ''}.` }) : null,
            ]),
      ]);
    } catch (error) {
      if (!disposed) verifyResult.replaceChildren(notice('error', `Verification failed: ${/** @type {Error} */ (error).message}`));
    } finally {
      button.disabled = false;
    }
  }

  async function load() {
    table.setAttribute('aria-busy', 'true');
    try {
      const page = await api(`/assets/${encodeURIComponent(assetId)}/events`, { query: { fromVersion, limit: PAGE, type } });
      if (disposed) return;
      const all = page.items ?? [];
      // A type asked for by name is shown; otherwise the bookkeeping events only when asked for.
      const items = type || showBookkeeping ? all : all.filter((/** @type {any} */ e) => !BOOKKEEPING.has(e.type));
      const hidden = all.length - items.length;
      next = page.nextFromVersion ?? null;
      prevBtn.disabled = back.length === 0;
      nextBtn.disabled = next === null;
      pageInfo.textContent = all.length ? `Versions ${all[0].streamVersion}–${all[all.length - 1].streamVersion}${hidden ? ` (${hidden} bookkeeping event${hidden === 1 ? '' : 's'} hidden)` : ''}` : 'No events';
      replaceChildren(table, items.length ? eventTable(items) : h('p', { class: 'muted', text: type ? `No ${type} events from version ${fromVersion}.` : hidden ? `Only bookkeeping events in versions ${all[0].streamVersion}–${all[all.length - 1].streamVersion}.` : 'No events recorded for this asset.' }));
    } catch (error) {
      if (!disposed) {
        const e = /** @type {import('../api.js').ApiError} */ (error);
        table.replaceChildren(notice('error', `Could not load the history: ${e.message}`));
      }
    } finally {
      table.removeAttribute('aria-busy');
    }
  }
  void load();

  return () => {
    disposed = true;
  };
}

/** @param {any[]} items */
function eventTable(items) {
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Events' }, [
    h('table', { class: 'events', 'data-testid': 'history-table' }, [
      h('thead', {}, h('tr', {}, ['Version', 'Time', 'Type', 'Summary', 'By'].map((t) => h('th', { scope: 'col', text: t })))),
      h(
        'tbody',
        {},
        items.map((e) =>
          h('tr', { 'data-type': e.type, 'data-version': e.streamVersion }, [
            h('td', { class: 'num', text: e.streamVersion }),
            h('td', {}, h('time', { datetime: e.occurredAt, text: dateTime(e.occurredAt) })),
            h('td', {}, h('span', { class: `etype etype-${String(e.type)}`, title: e.type, text: typeText(e.type) })),
            h('td', {}, [h('span', { text: summarize(e.type, e.data ?? {}) }), h('details', {}, [h('summary', { text: 'data' }), h('pre', { text: JSON.stringify(e.data, null, 2) })])]),
            h('td', { class: 'muted', text: e.metadata?.actor ?? '' }),
          ]),
        ),
      ),
    ]),
  ]);
}

/**
 * A one-line summary of an event.
 * @param {string} type
 * @param {any} d
 */
export function summarize(type, d) {
  switch (type) {
    case 'ReadingsApplied': {
      const readings = d.readings ?? [];
      const last = readings[readings.length - 1];
      const values = last ? Object.entries(last.metrics ?? {}).map(([m, v]) => `${METRICS[m]?.name ?? m} ${metricText(m, /** @type {number} */ (v))}`) : [];
      return `${readings.length} reading${readings.length === 1 ? '' : 's'}${last ? `, last at ${dateTime(last.ts)}: ${values.join(', ')}` : ''}`;
    }
    case 'TwinStatusChanged':
      return `${d.from} → ${d.to}${d.label ? `: ${d.label}` : ''}`;
    case 'AlarmRaised':
      return `${`${d.alarmId ?? ''} ${d.severity ?? ''} ${d.cause ?? ''}`.trim()}${d.conditions?.length ? ` (${d.conditions.map((/** @type {any} */ c) => `${c.metric} ${c.value} ${c.comparator} ${c.limit}`).join(', ')})` : ''}${d.shelved ? ' — shelved: recorded, not annunciated' : ''}`;
    case 'AlarmCleared':
      return `${d.alarmId ?? ''} returned to normal${d.cause ? ` (${causeText(d.cause)})` : ''}`;
    case 'AlarmAcknowledged':
      return `${d.alarmId ?? ''} acknowledged by ${d.by ?? '?'}${d.note ? `: ${d.note}` : ''}`;
    case 'AlarmSeverityChanged':
      return `${d.alarmId ?? ''} ${causeText(d.cause ?? '')}: severity ${d.from ?? '?'} → ${d.to ?? '?'}${conditionsText(d.conditions)}`;
    case 'AlarmReannounced':
      return `${d.alarmId ?? ''} ${causeText(d.cause ?? '')} announced again (${d.reason === 'UNSHELVED' ? 'its shelve ended while unacknowledged' : 'left unacknowledged'}), ${ordinal(d.count)} time${d.severity ? `, ${d.severity}` : ''}${d.message ? `: ${d.message}` : ''}`;
    case 'AlarmShelved':
      return `${d.alarmId ?? ''} ${causeText(d.cause ?? '')} shelved by ${d.by ?? '?'} until ${dateTime(d.until)}${d.at && d.until ? ` (${durationText(Math.round((Date.parse(d.until) - Date.parse(d.at)) / 1000))})` : ''}: ${d.reason ?? ''}`;
    case 'AlarmUnshelved':
      return `${d.alarmId ?? ''} ${causeText(d.cause ?? '')} unshelved ${d.reason === 'EXPIRED' ? '(the shelve expired)' : `by ${d.by ?? 'an operator'}`}`;
    case 'AlarmRemovedFromService':
      return `${causeText(d.cause ?? '')} taken out of service by ${d.by ?? '?'}: ${d.reason ?? ''}${d.alarmId ? ` (alarm ${d.alarmId} dropped)` : ''}`;
    case 'AlarmReturnedToService':
      return `${causeText(d.cause ?? '')} returned to service by ${d.by ?? '?'}`;
    case 'AlarmConditionChanged':
      return `${causeText(d.cause ?? '')} condition: ${d.condition ? JSON.stringify(d.condition) : 'cleared'}`;
    case 'FailurePredicted':
      return `${causeText(d.cause ?? '')}: ${METRICS[d.metric]?.name ?? d.metric ?? 'a metric'} predicted to cross ${d.metric ? metricText(d.metric, d.limit) : d.limit} at ${dateTime(d.predictedFailureAt)}${d.earliestAt ? ` (earliest ${dateTime(d.earliestAt)})` : ''}${typeof d.slopePerHour === 'number' ? `, trend ${num(d.slopePerHour, 3)}/h over ${d.points ?? '?'} points` : ''}`;
    case 'FailurePredictionWithdrawn':
      return `${d.predictionId ?? ''} ${causeText(d.cause ?? '')} withdrawn${d.reason ? `: ${d.reason}` : ''}`;
    case 'RulEstimated':
      return `Remaining useful life ${num(d.rulHours, 0)} h${typeof d.lowerHours === 'number' && typeof d.upperHours === 'number' ? ` (${num(d.lowerHours, 0)}–${num(d.upperHours, 0)} h)` : ''} for ${causeText(d.cause ?? '')}${d.metric ? ` (${METRICS[d.metric]?.name ?? d.metric})` : ''}, method ${d.method ?? '?'}${typeof d.healthIndex === 'number' ? `, health index ${num(d.healthIndex, 2)}` : ''}`;
    case 'AnomalyDetected':
      return `Anomaly: score ${num(d.score, 2)} above ${num(d.threshold, 2)}${Array.isArray(d.metrics) ? `, mostly ${d.metrics.map((/** @type {string} */ m) => METRICS[m]?.name ?? m).join(', ')}` : ''}`;
    case 'AnomalyCleared':
      return `Anomaly cleared (${d.reason === 'RETRAINING' ? 'the detector retrains after a repair' : 'scores back to normal'})`;
    case 'PredictionConfigured': {
      const training = d.anomaly ? `anomaly detector trains on ${d.anomaly.trainingReadings ?? '?'} readings over ${d.anomaly.trainingHours ?? '?'} h` : 'anomaly detection off';
      const w = d.trendWindow;
      const age = (/** @type {number} */ seconds) => (seconds >= 2 * 86_400 ? `${Math.round(seconds / 86_400)} days` : durationText(seconds));
      const window = w ? `trend window of ${w.maxPoints ?? '?'} points (${w.bucketSeconds ? `means over ${durationText(w.bucketSeconds)}` : 'one per reading'}) over at most ${age(w.maxAgeSeconds ?? 0)}` : 'default trend window';
      return `Prediction settings from the profile: ${window}; ${training}`;
    }
    case 'ReadingsQuarantined': {
      const items = d.items ?? [];
      const rules = [...new Set(items.flatMap((/** @type {any} */ i) => (i.reasons ?? []).map((/** @type {any} */ r) => r.rule)))];
      return `${items.length} reading${items.length === 1 ? '' : 's'} quarantined${rules.length ? `: ${rules.join(', ')}` : ''}`;
    }
    case 'MaintenanceCompleted':
      return `${d.workOrderId ?? ''} ${d.type ?? ''} completed ${dateTime(d.completedAt)}${d.failure ? `, failure ${d.failure.mode}` : ''}`;
    default: {
      const text = JSON.stringify(d);
      return text.length > 160 ? `${text.slice(0, 160)}…` : text;
    }
  }
}

/** @param {any} conditions */
function conditionsText(conditions) {
  if (!Array.isArray(conditions) || !conditions.length) return '';
  return ` (${conditions.map((/** @type {any} */ c) => `${METRICS[c.metric]?.name ?? c.metric} ${metricText(c.metric, c.value)} ${c.comparator} ${metricText(c.metric, c.limit)}`).join(', ')})`;
}

/** @param {unknown} n */
function ordinal(n) {
  if (typeof n !== 'number') return '';
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' })[n % 10] ?? 'th';
  return `${n}${s}`;
}
