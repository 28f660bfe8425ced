// One asset: charts of its series (threshold, breaches, vibration zones), its ISA-18.2 alarms
// (acknowledge, shelve, out of service), its prediction, quarantined readings, and a time slider
// that shows the twin as of a moment.
import { api } from '../api.js';
import { h, notice, replaceChildren, dateTime, timeEl, metricText, debounce, coalesce, num, METRICS } from '../dom.js';
import { createChart } from '../charts.js';
import { onLive } from '../live.js';
import { alarmStateBadge, icon, severityBadge, statusBadge } from '../status.js';
import { alarmRecords, breachText, causeText, rulText, stateOf, topAlarm } from '../alarms.js';
import { createAlarmPanel } from './alarm-panel.js';
/** @typedef {{ zone: string, max: number | null }} Zone */

const SERIES_METRICS = /** @type {const} */ (['temperatureC', 'pressurePsi', 'vibrationMmS']);
const DEFAULT_ZONES = [
  { zone: 'A', max: 1.4 },
  { zone: 'B', max: 2.8 },
  { zone: 'C', max: 4.5 },
  { zone: 'D', max: null },
];

/**
 * @param {HTMLElement} main
 * @param {{ path: string[], query: URLSearchParams }} route
 */
export function mountAsset(main, route) {
  const assetId = route.path[1] ?? '';
  const base = `/assets/${encodeURIComponent(assetId)}`;
  let disposed = false;

  /** Time-ordered columns: ts (ms) and one array per metric (NaN where a point lacks it). */
  const series = { ts: /** @type {number[]} */ ([]), temperatureC: /** @type {number[]} */ ([]), pressurePsi: /** @type {number[]} */ ([]), vibrationMmS: /** @type {number[]} */ ([]) };
  /** @type {any} */
  let current = null;
  /** @type {number | null} null = live (now) */
  let travelAt = null;

  const head = h('div', { class: 'view-head asset-head' });
  const message = h('div', { class: 'view-message' });
  const chartsEl = h('div', { class: 'charts', 'aria-label': 'Readings over time' });
  const seriesNote = h('p', { class: 'series-note', 'aria-live': 'polite' });
  const slider = /** @type {HTMLInputElement} */ (h('input', { type: 'range', id: 'time-slider', 'data-testid': 'time-slider', min: 0, max: 0, step: 1000, value: 0, disabled: true, 'aria-label': 'Time travel: show the twin as of this moment' }));
  const sliderReadout = h('output', { for: 'time-slider', class: 'slider-readout', 'data-testid': 'time-slider-value', text: 'Live' });
  const liveBtn = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn btn-quiet', 'data-testid': 'time-live', disabled: true, onclick: () => goLive() }, 'Back to live'));
  const travelPanel = h('div', { class: 'travel-state', 'data-testid': 'time-travel-state', 'aria-live': 'polite' });
  const alarmPanel = createAlarmPanel({ assetId, onChanged: () => void loadAsset().catch(() => undefined) });
  const predictionEl = h('div', { class: 'prediction', 'data-testid': 'prediction' });
  const maintenanceEl = h('div', { class: 'maintenance' });
  const quarantineEl = h('div', { class: 'quarantine', 'data-testid': 'quarantine' });

  main.append(
    h('section', { class: 'view view-asset', 'aria-labelledby': 'asset-title' }, [
      head,
      message,
      h('div', { class: 'asset-layout' }, [
        h('div', { class: 'asset-main' }, [
          chartsEl,
          seriesNote,
          h('div', { class: 'panel time-travel' }, [
            h('h2', { text: 'Time travel' }),
            h('div', { class: 'slider-row' }, [h('label', { for: 'time-slider', class: 'visually-hidden', text: 'Moment' }), slider, sliderReadout, liveBtn]),
            travelPanel,
          ]),
        ]),
        h('aside', { class: 'asset-side' }, [
          h('div', { class: 'panel' }, [h('h2', { text: 'Alarms' }), alarmPanel.el, h('p', { class: 'help' }, [h('a', { href: `#/history/${encodeURIComponent(assetId)}?type=AlarmRaised`, text: 'Earlier alarms in the history' })])]),
          h('div', { class: 'panel' }, [h('h2', { text: 'Prediction' }), predictionEl]),
          h('div', { class: 'panel' }, [h('h2', { text: 'Maintenance' }), maintenanceEl]),
        ]),
      ]),
      h('div', { class: 'panel' }, [h('h2', { text: 'Quarantined readings' }), quarantineEl]),
    ]),
  );
  document.title = `${assetId} · Twinline console`;

  const charts = {
    temperatureC: createChart(chartsEl, { kind: 'line', metric: 'temperatureC', title: 'Temperature', unit: '°C', testid: 'temperature-chart' }),
    pressurePsi: createChart(chartsEl, { kind: 'bars', metric: 'pressurePsi', title: 'Pressure', unit: 'psi', testid: 'pressure-chart' }),
    vibrationMmS: createChart(chartsEl, { kind: 'line', metric: 'vibrationMmS', title: 'Vibration (ISO 10816 zones)', unit: 'mm/s', testid: 'vibration-chart', zones: DEFAULT_ZONES }),
  };

  function domain() {
    const first = series.ts[0];
    const last = series.ts[series.ts.length - 1];
    if (first === undefined || last === undefined) {
      const now = Date.now();
      return /** @type {[number, number]} */ ([now - 3600_000, now]);
    }
    return /** @type {[number, number]} */ (first === last ? [first - 60_000, last + 60_000] : [first, last]);
  }

  function drawCharts() {
    const d = domain();
    for (const m of SERIES_METRICS) charts[m].update({ ts: series.ts, values: series[m] }, d);
    const [t0, t1] = d;
    const step = Math.max(1000, Math.round((t1 - t0) / 1000 / 1000) * 1000);
    slider.min = String(t0);
    slider.max = String(t1);
    slider.step = String(step);
    slider.disabled = series.ts.length === 0;
    if (travelAt === null) slider.value = String(t1);
  }

  /** @param {any} answer */
  function renderHead(answer) {
    const twin = answer.twin ?? {};
    replaceChildren(head, [
      h('div', { class: 'title-row' }, [
        h('h1', { id: 'asset-title', text: assetId }),
        statusBadge(twin.status ?? 'OFFLINE', { testid: 'asset-status' }),
        h('span', { class: 'asset-label', 'data-testid': 'asset-label', text: twin.label ?? '' }),
      ]),
      h('p', { class: 'asset-meta' }, [
        `Site ${answer.site ?? '—'} · Class ${answer.assetClass ?? '—'} · Profile ${typeof answer.profile === 'object' && answer.profile ? (answer.profile.name ?? '—') : (answer.profile ?? twin.profile ?? '—')} · Version ${twin.version ?? '—'}`,
        ' · ',
        h('a', { href: `#/history/${encodeURIComponent(assetId)}`, text: 'History' }),
        ' · ',
        h('a', { href: '#/fleet', text: 'Fleet' }),
      ]),
      h(
        'dl',
        { class: 'metrics metrics-inline', 'aria-label': 'Latest values' },
        SERIES_METRICS.map((m) => h('div', { class: 'metric' }, [h('dt', { text: METRICS[m]?.name ?? m }), h('dd', { 'data-testid': `latest-${m}`, text: metricText(m, twin.metrics?.[m]?.value) })])),
      ),
      twin.sensorFault ? h('p', { class: 'sensor-fault' }, [icon('fault'), ' Sensor fault: the latest readings fail the integrity rules']) : null,
    ]);
  }

  /** @param {any} answer */
  function applyAsset(answer) {
    current = answer;
    renderHead(answer);
    const limits = answer.limits ?? {};
    charts.temperatureC.setLimit(limits.temperatureC ?? null);
    charts.pressurePsi.setLimit(limits.pressurePsi ?? null);
    charts.vibrationMmS.setLimit(limits.vibrationMmS ?? null);
    alarmPanel.render(answer.twin ?? {}, typeof answer.profile === 'object' ? answer.profile : null);
    renderPrediction(answer.prediction ?? null, answer.twin?.lastReadingTs ?? null);
    renderMaintenance(answer.twin ?? {});
    if (travelAt === null) renderTravel(answer.twin, null);
  }

  async function loadAsset() {
    const answer = await api(base);
    if (disposed) return;
    if (Array.isArray(answer.vibrationZones) && answer.vibrationZones.length) {
      charts.vibrationMmS.setZones(answer.vibrationZones);
    }
    applyAsset(answer);
  }

  async function loadSeries() {
    const answer = await api(`${base}/series`);
    if (disposed) return;
    series.ts.length = 0;
    for (const m of SERIES_METRICS) series[m].length = 0;
    for (const p of answer.points ?? []) pushPoint(Date.parse(p.ts), p);
    seriesNote.textContent = answer.truncated ? `Showing the latest ${series.ts.length.toLocaleString()} readings (older ones are in the history).` : '';
    drawCharts();
  }

  /**
   * Insert a point keeping time order (live points usually append at the end).
   * @param {number} t
   * @param {Record<string, unknown>} values
   */
  function pushPoint(t, values) {
    if (Number.isNaN(t)) return;
    let i = series.ts.length;
    while (i > 0 && /** @type {number} */ (series.ts[i - 1]) > t) i--;
    const v = (/** @type {string} */ m) => (typeof values[m] === 'number' ? /** @type {number} */ (values[m]) : NaN);
    if (i === series.ts.length) {
      series.ts.push(t);
      for (const m of SERIES_METRICS) series[m].push(v(m));
    } else {
      series.ts.splice(i, 0, t);
      for (const m of SERIES_METRICS) series[m].splice(i, 0, v(m));
    }
  }

  async function loadQuarantine() {
    try {
      const answer = await api(`${base}/quarantine`);
      if (!disposed) renderQuarantine(answer.items ?? []);
    } catch (error) {
      if (!disposed) quarantineEl.replaceChildren(notice('error', `Could not load quarantined readings: ${/** @type {Error} */ (error).message}`));
    }
  }

  /**
   * @param {any} p the console's prediction summary of the twin (predictedBreachAt, rul, anomaly)
   * @param {string | null} lastReadingTs
   */
  function renderPrediction(p, lastReadingTs) {
    if (!p || p.available === false) {
      predictionEl.replaceChildren(h('p', { class: 'muted', 'data-testid': 'prediction-none', text: 'No prediction from twin-state for this asset.' }));
      return;
    }
    if (!p.predictedBreachAt && !p.rul && !p.anomaly) {
      predictionEl.replaceChildren(h('p', { class: 'muted', 'data-testid': 'prediction-none', text: 'No failure predicted: no trend approaches a limit within the planning horizon.' }));
      return;
    }
    replaceChildren(predictionEl, [
      p.predictedBreachAt
        ? h('p', { 'data-testid': 'prediction-breach' }, [
            icon('trend'),
            ` ${causeText(p.cause ?? '')}${p.metric ? ` (${METRICS[p.metric]?.name ?? p.metric})` : ''} predicted to breach its limit `,
            h('time', { datetime: p.predictedBreachAt, title: dateTime(p.predictedBreachAt), text: breachText(p.predictedBreachAt, lastReadingTs) }),
            p.earliestAt ? [' (earliest ', timeEl(p.earliestAt), ')'] : null,
            p.failures > 1 ? ` · ${p.failures} predictions in force` : '',
          ].flat())
        : null,
      p.rul ? h('p', { 'data-testid': 'prediction-rul' }, [`Remaining useful life ${rulText(p.rul)}`, p.rul.at ? [' · estimated ', timeEl(p.rul.at)] : null].flat()) : null,
      p.anomaly ? h('p', { class: 'anomaly', 'data-testid': 'prediction-anomaly' }, [icon('warn'), ' Anomalous behaviour since ', timeEl(p.anomaly.since), p.anomaly.score !== null ? ` (score ${num(p.anomaly.score, 2)})` : '']) : null,
    ]);
  }

  /** @param {any} twin */
  function renderMaintenance(twin) {
    const m = twin.lastMaintenance;
    if (!m) {
      maintenanceEl.replaceChildren(h('p', { class: 'muted', text: 'No maintenance recorded on the twin.' }));
      return;
    }
    replaceChildren(maintenanceEl, [
      h('p', {}, [`Last: ${m.workOrderId} (${m.type}${m.cause ? `, ${m.cause}` : ''}) completed `, timeEl(m.completedAt)]),
      h('p', { text: m.failure ? `Failure found: ${m.failure.mode} at ${dateTime(m.failure.failedAt)}` : 'No failure found.' }),
      h('p', { class: 'muted', text: `${twin.maintenanceCount ?? 1} completion(s) recorded${twin.maintainedSince ? `; maintained since ${dateTime(twin.maintainedSince)}` : ''}.` }),
      h('p', {}, h('a', { href: `#/work-orders?assetId=${encodeURIComponent(assetId)}`, text: 'Work orders of this asset' })),
    ]);
  }

  /** @param {any[]} items */
  function renderQuarantine(items) {
    if (!items.length) {
      quarantineEl.replaceChildren(h('p', { class: 'muted', 'data-testid': 'quarantine-empty', text: 'No quarantined readings.' }));
      return;
    }
    const rows = [];
    for (const item of items) {
      const reasons = Array.isArray(item.reasons) && item.reasons.length ? item.reasons : [{ rule: '—', field: '—', message: '—' }];
      for (const r of reasons) {
        rows.push(
          h('tr', { 'data-reading-id': item.readingId }, [
            h('td', { text: item.readingId }),
            h('td', {}, timeEl(item.ts ?? item.receivedAt)),
            h('td', { text: item.status ?? 'pending' }),
            h('td', {}, h('code', { text: r.rule })),
            h('td', {}, h('code', { text: r.field || '—' })),
            h('td', { text: r.message }),
          ]),
        );
      }
    }
    replaceChildren(quarantineEl, [
      h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Quarantined readings' }, [
        h('table', { 'data-testid': 'quarantine-table' }, [
          h('thead', {}, h('tr', {}, ['Reading', 'Time', 'Review', 'Rule', 'Field', 'Message'].map((t) => h('th', { scope: 'col', text: t })))),
          h('tbody', {}, rows),
        ]),
      ]),
      items.length >= 100 ? h('p', { class: 'help', text: 'Showing the first 100.' }) : null,
    ]);
  }

  /**
   * The twin as of the slider (or live).
   * @param {any} twin
   * @param {number | null} at
   */
  function renderTravel(twin, at) {
    if (!twin) {
      travelPanel.replaceChildren(notice('info', 'No twin state for that moment.'));
      return;
    }
    travelPanel.dataset.status = twin.status;
    replaceChildren(travelPanel, [
      h('p', { class: 'travel-when' }, [at === null ? h('strong', { text: 'Now' }) : h('strong', { text: `As of ${dateTime(at)}` }), twin.version !== undefined ? ` · version ${twin.version}` : '']),
      h('div', { class: 'title-row' }, [statusBadge(twin.status ?? 'OFFLINE', { testid: 'travel-status' }), h('span', { class: 'asset-label', text: twin.label ?? '' })]),
      h(
        'dl',
        { class: 'metrics' },
        SERIES_METRICS.map((m) =>
          h('div', { class: 'metric' }, [
            h('dt', { text: METRICS[m]?.name ?? m }),
            h('dd', { 'data-testid': `travel-${m}`, title: twin.metrics?.[m]?.ts ? dateTime(twin.metrics[m].ts) : undefined, text: metricText(m, twin.metrics?.[m]?.value) }),
          ]),
        ),
      ),
      travelAlarm(twin),
    ]);
  }

  let travelRequest = 0;
  const loadAt = debounce((/** @type {number} */ at) => {
    const id = ++travelRequest;
    travelPanel.setAttribute('aria-busy', 'true');
    api(base, { query: { at: new Date(at).toISOString() } }).then(
      (answer) => {
        if (disposed || id !== travelRequest || travelAt === null) return;
        travelPanel.removeAttribute('aria-busy');
        renderTravel(answer.twin, at);
      },
      (error) => {
        if (disposed || id !== travelRequest) return;
        travelPanel.removeAttribute('aria-busy');
        travelPanel.replaceChildren(notice('error', `Could not load the twin at ${dateTime(at)}: ${/** @type {Error} */ (error).message}`));
      },
    );
  }, 200);

  function onSlide() {
    const value = Number(slider.value);
    const max = Number(slider.max);
    if (value > max - Number(slider.step)) {
      goLive();
      return;
    }
    travelAt = value;
    liveBtn.disabled = false;
    sliderReadout.textContent = dateTime(value);
    slider.setAttribute('aria-valuetext', dateTime(value));
    for (const c of Object.values(charts)) c.setCursor(value);
    loadAt(value);
  }
  slider.addEventListener('input', onSlide);

  function goLive() {
    travelAt = null;
    travelRequest++;
    loadAt.cancel();
    liveBtn.disabled = true;
    slider.value = slider.max;
    sliderReadout.textContent = 'Live';
    slider.setAttribute('aria-valuetext', 'Live (now)');
    for (const c of Object.values(charts)) c.setCursor(null);
    if (current) renderTravel(current.twin, null);
  }

  const refreshTwin = coalesce(() => void loadAsset().catch(() => undefined));
  const refreshQuarantine = coalesce(() => void loadQuarantine());
  const offTwin = onLive('twin', (event) => {
    if (event?.assetId !== assetId) return;
    if (event.type === 'ReadingsApplied') {
      const readings = event.readings ?? event.data?.readings ?? [];
      for (const r of readings) pushPoint(Date.parse(r.ts), r.metrics ?? {});
      if (readings.length) drawCharts();
    }
    if (event.type === 'ReadingsQuarantined') refreshQuarantine(1000);
    refreshTwin(event.type === 'ReadingsApplied' ? 1000 : 200);
  });

  Promise.all([loadAsset(), loadSeries()]).then(
    () => undefined,
    (error) => {
      if (disposed) return;
      const e = /** @type {import('../api.js').ApiError} */ (error);
      message.replaceChildren(notice('error', e.status === 404 ? `No twin for ${assetId}: ${e.message}` : `Could not load ${assetId}: ${e.message}`));
    },
  );
  void loadQuarantine();
  drawCharts();

  return () => {
    disposed = true;
    offTwin();
    loadAt.cancel();
    refreshTwin.cancel();
    refreshQuarantine.cancel();
    for (const c of Object.values(charts)) c.destroy();
  };
}

/**
 * The alarm the time-travel panel shows: the most severe annunciated one at that moment.
 * @param {any} twin
 */
function travelAlarm(twin) {
  const records = alarmRecords(twin);
  const a = topAlarm(records);
  if (!a) return h('p', { class: 'muted', text: 'No alarm at that moment.' });
  return h('p', { class: 'travel-alarm' }, [
    alarmStateBadge(stateOf(a), { shelved: !!a.shelved, short: true }),
    ' ',
    severityBadge(a.severity),
    ` ${causeText(a.cause)} · ${a.alarmId}`,
    records.length > 1 ? ` (+${records.length - 1} more)` : '',
  ]);
}
