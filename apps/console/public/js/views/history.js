// History: an asset's event timeline, paged by stream version, and chain verification for auditors.
import { api, canAudit } from '../api.js';
import { h, notice, replaceChildren, dateTime, metricText, METRICS } from '../dom.js';

const PAGE = 50;
const TYPES = [
  'ReadingsApplied',
  'TwinStatusChanged',
  'AlarmRaised',
  'AlarmAcknowledged',
  'AlarmCleared',
  'ReadingsQuarantined',
  'SensorFaultDetected',
  'SensorFaultCleared',
  'SecurityViolationDetected',
  'MaintenanceCompleted',
];

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
  let fromVersion = Number(route.query.get('fromVersion') ?? '1') || 1;
  /** @type {number[]} earlier pages' fromVersion, for "Previous" */
  const back = [];
  /** @type {number | null} */
  let next = null;

  const typeSel = /** @type {HTMLSelectElement} */ (h('select', { id: 'history-type', 'data-testid': 'history-type' }, [h('option', { value: '', text: 'All events' }), ...TYPES.map((t) => h('option', { value: t, text: t }))]));
  typeSel.value = type;
  typeSel.addEventListener('change', () => {
    type = typeSel.value;
    fromVersion = 1;
    back.length = 0;
    history.replaceState(null, '', `#/history/${encodeURIComponent(assetId)}${type ? `?type=${type}` : ''}`);
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
    h('div', { class: 'filters' }, [h('div', { class: 'field' }, [h('label', { for: 'history-type', text: 'Event type' }), typeSel])]),
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
      const items = page.items ?? [];
      next = page.nextFromVersion ?? null;
      prevBtn.disabled = back.length === 0;
      nextBtn.disabled = next === null;
      pageInfo.textContent = items.length ? `Versions ${items[0].streamVersion}–${items[items.length - 1].streamVersion}` : 'No events';
      replaceChildren(table, items.length ? eventTable(items) : h('p', { class: 'muted', text: type ? `No ${type} events from version ${fromVersion}.` : 'No events recorded for this asset.' }));
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
            h('td', {}, h('span', { class: `etype etype-${String(e.type)}`, text: e.type })),
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
      return `${d.alarmId ?? ''} ${d.severity ?? ''} ${d.cause ?? ''}${d.conditions?.length ? ` (${d.conditions.map((/** @type {any} */ c) => `${c.metric} ${c.value} ${c.comparator} ${c.limit}`).join(', ')})` : ''}`.trim();
    case 'AlarmCleared':
      return `${d.alarmId ?? ''} cleared`;
    case 'AlarmAcknowledged':
      return `${d.alarmId ?? ''} acknowledged by ${d.by ?? '?'}${d.note ? `: ${d.note}` : ''}`;
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
