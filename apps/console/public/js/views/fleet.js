// Fleet: one card per asset, filters by site, class and status, live updates per asset.
import { api } from '../api.js';
import { h, metricText, notice, relative, replaceChildren, timeEl, dateTime, coalesce, METRICS } from '../dom.js';
import { onLive } from '../live.js';
import { STATUSES, alarmStateBadge, icon, severityBadge, statusBadge, statusText } from '../status.js';
import { alarmRecords, breachText, causeText, isShelved, rulText, stateOf, topAlarm } from '../alarms.js';

/**
 * @typedef {{ value: number, ts: string }} MetricValue
 * @typedef {import('../alarms.js').AlarmRecord} Alarm
 * @typedef {{ predictedBreachAt: string | null, earliestAt: string | null, cause: string | null, metric: string | null, failures: number, rul: { hours: number, lowerHours: number | null, upperHours: number | null, cause: string | null, at: string | null } | null, anomaly: { since: string, score: number | null } | null }} Prediction
 * @typedef {{ assetId: string, assetClass: string | null, site: string | null, status: string, label: string, metrics: Record<string, MetricValue | undefined>, activeAlarms: Alarm[], alarms?: Alarm[], sensorFault: unknown, predictedBreachAt: string | null, prediction?: Prediction | null, updatedAt?: string | null }} FleetItem
 */

const STATUS_ORDER = ['ALARM', 'SENSOR_FAULT', 'WARNING', 'OFFLINE', 'OPERATIONAL', 'NO_DATA'];

/**
 * @param {HTMLElement} main
 * @param {{ query: URLSearchParams }} route
 */
export function mountFleet(main, route) {
  const filters = {
    site: route.query.get('site') ?? '',
    assetClass: route.query.get('assetClass') ?? '',
    status: route.query.get('status') ?? '',
    sort: route.query.get('sort') ?? 'id',
  };
  /** @type {Map<string, FleetItem>} */
  const items = new Map();
  /** @type {string[]} */
  let sites = [];
  /** @type {string[]} */
  let classes = [];
  let disposed = false;
  /** @type {AbortController | null} */
  let loading = null;

  const summary = h('div', { class: 'fleet-summary', role: 'status', 'aria-live': 'polite', 'data-testid': 'fleet-summary' });
  const filterBar = h('form', { class: 'filters', 'aria-label': 'Filter the fleet', onsubmit: (/** @type {Event} */ e) => e.preventDefault() });
  const grid = h('div', { class: 'fleet-grid', 'data-testid': 'fleet-grid', 'aria-label': 'Assets' });
  const message = h('div', { class: 'view-message' });
  main.append(
    h('section', { class: 'view view-fleet', 'aria-labelledby': 'fleet-title' }, [
      h('div', { class: 'view-head' }, [h('h1', { id: 'fleet-title', text: 'Fleet' }), summary]),
      filterBar,
      message,
      grid,
    ]),
  );

  /**
   * @param {string} name
   * @param {string} label
   * @param {Array<[string, string]>} options value, text
   * @param {string} value
   */
  function select(name, label, options, value) {
    const id = `filter-${name}`;
    const el = /** @type {HTMLSelectElement} */ (h('select', { id, name, 'data-testid': id }, [h('option', { value: '', text: 'All' }), ...options.map(([v, t]) => h('option', { value: v, text: t }))]));
    el.value = value;
    el.addEventListener('change', () => {
      /** @type {any} */ (filters)[name] = el.value;
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(filters)) if (v && !(k === 'sort' && v === 'id')) q.set(k, v);
      const qs = q.toString();
      history.replaceState(null, '', `#/fleet${qs ? `?${qs}` : ''}`);
      if (name === 'sort') render();
      else void load();
    });
    return h('div', { class: 'field' }, [h('label', { for: id, text: label }), el]);
  }

  function renderFilters() {
    const sortSel = select('sort', 'Order', [['status', 'Alarms first']], filters.sort === 'status' ? 'status' : '');
    const sortEl = /** @type {HTMLSelectElement} */ (sortSel.querySelector('select'));
    /** @type {HTMLOptionElement} */ (sortEl.options[0]).textContent = 'Asset id';
    replaceChildren(filterBar, [
      select('site', 'Site', sites.map((x) => [x, x]), filters.site),
      select('assetClass', 'Class', classes.map((x) => [x, x]), filters.assetClass),
      select('status', 'Status', STATUSES.map((x) => [x, statusText(x)]), filters.status),
      sortSel,
    ]);
  }

  async function load() {
    loading?.abort();
    const controller = new AbortController();
    loading = controller;
    try {
      const answer = await api('/fleet', { query: { site: filters.site, assetClass: filters.assetClass, status: filters.status }, signal: controller.signal });
      if (disposed || controller.signal.aborted) return;
      items.clear();
      for (const item of answer.items ?? []) items.set(item.assetId, item);
      const newSites = answer.sites ?? [];
      const newClasses = answer.classes ?? [];
      if (JSON.stringify(newSites) !== JSON.stringify(sites) || JSON.stringify(newClasses) !== JSON.stringify(classes) || !filterBar.childElementCount) {
        sites = newSites;
        classes = newClasses;
        renderFilters();
      }
      message.replaceChildren();
      render();
    } catch (error) {
      if (disposed || controller.signal.aborted) return;
      message.replaceChildren(notice('error', `Could not load the fleet: ${/** @type {Error} */ (error).message}`));
    }
  }

  function sorted() {
    const list = [...items.values()];
    if (filters.sort === 'status') {
      list.sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || a.assetId.localeCompare(b.assetId));
    } else list.sort((a, b) => a.assetId.localeCompare(b.assetId, undefined, { numeric: true }));
    return list;
  }

  function render() {
    const list = sorted();
    renderSummary();
    const focusedId = focusedCard();
    replaceChildren(grid, list.length ? list.map(card) : [h('p', { class: 'empty', text: 'No assets match these filters.' })]);
    restoreFocus(focusedId);
  }

  /** The asset id and testid of the focused control in a card, to restore it after a redraw. */
  function focusedCard() {
    const active = document.activeElement;
    const cardEl = active?.closest?.('[data-asset-id]');
    if (!active || !cardEl || !grid.contains(cardEl)) return null;
    return { assetId: /** @type {HTMLElement} */ (cardEl).dataset.assetId, href: active.getAttribute('href') };
  }

  /** @param {{ assetId?: string, href: string | null } | null} f */
  function restoreFocus(f) {
    if (!f?.href) return;
    const el = grid.querySelector(`[data-asset-id="${CSS.escape(f.assetId ?? '')}"] [href="${CSS.escape(f.href)}"]`);
    if (el instanceof HTMLElement) el.focus({ preventScroll: true });
  }

  /** @param {FleetItem} item */
  function matches(item) {
    return (!filters.site || item.site === filters.site) && (!filters.assetClass || item.assetClass === filters.assetClass) && (!filters.status || item.status === filters.status);
  }

  /** Replace one asset's card (or add or drop it when it enters or leaves the filter). @param {FleetItem} item */
  function put(item) {
    if (!matches(item)) {
      if (items.delete(item.assetId)) render();
      return;
    }
    const existed = items.has(item.assetId);
    items.set(item.assetId, item);
    const old = grid.querySelector(`[data-testid="asset-card-${CSS.escape(item.assetId)}"]`);
    if (!existed || !old || filters.sort === 'status') {
      render();
      return;
    }
    const f = focusedCard();
    old.replaceWith(card(item));
    restoreFocus(f);
    renderSummary();
  }
  function renderSummary() {
    /** @type {Record<string, number>} */
    const counts = {};
    for (const item of items.values()) counts[item.status] = (counts[item.status] ?? 0) + 1;
    replaceChildren(summary, [
      h('span', { class: 'count-total', text: `${items.size} asset${items.size === 1 ? '' : 's'}` }),
      ...STATUS_ORDER.filter((st) => counts[st]).map((st) => h('span', { class: 'count', 'data-testid': `count-${st}` }, [statusBadge(st), h('span', { class: 'count-n', text: String(counts[st]) })])),
    ]);
  }

  /** @type {Map<string, ReturnType<typeof coalesce>>} */
  const refreshers = new Map();
  /**
   * Fetch one asset again, at most `ms` from now (coalescing the events meanwhile).
   * @param {string} assetId
   * @param {number} ms
   */
  function refreshAsset(assetId, ms) {
    let fn = refreshers.get(assetId);
    if (!fn) {
      fn = coalesce(() => {
        api(`/assets/${encodeURIComponent(assetId)}`).then(
          (answer) => {
            if (disposed || !answer?.twin) return;
            const prev = items.get(assetId);
            const twin = answer.twin;
            put({
              assetId,
              assetClass: answer.assetClass ?? prev?.assetClass ?? null,
              site: answer.site ?? prev?.site ?? null,
              status: twin.status,
              label: twin.label,
              metrics: twin.metrics ?? {},
              activeAlarms: twin.activeAlarms ?? [],
              alarms: alarmRecords(twin),
              sensorFault: !!twin.sensorFault,
              predictedBreachAt: answer.prediction ? (answer.prediction.predictedBreachAt ?? null) : (prev?.predictedBreachAt ?? null),
              prediction: answer.prediction ?? prev?.prediction ?? null,
              updatedAt: twin.lastReadingTs ?? prev?.updatedAt ?? null,
            });
          },
          () => undefined,
        );
      });
      refreshers.set(assetId, fn);
    }
    fn(ms);
  }

  const offTwin = onLive('twin', (event) => {
    const assetId = event?.assetId;
    if (typeof assetId !== 'string') return;
    // A status change shows at once; the debounced refresh brings metrics and alarms.
    const prev = items.get(assetId);
    if (prev && event.type === 'TwinStatusChanged' && typeof event.data?.to === 'string') {
      put({ ...prev, status: event.data.to, label: event.data.label ?? prev.label });
    }
    // Readings only move the metrics: refresh within 1.5 s; alarms and statuses within 0.2 s.
    refreshAsset(assetId, event.type === 'ReadingsApplied' ? 1500 : 200);
  });
  const safety = setInterval(() => void load(), 60_000);

  renderFilters();
  void load();

  return () => {
    disposed = true;
    loading?.abort();
    offTwin();
    clearInterval(safety);
    for (const fn of refreshers.values()) fn.cancel();
  };
}

/** @param {FleetItem} item */
function card(item) {
  const status = item.status ?? 'OFFLINE';
  const href = `#/assets/${encodeURIComponent(item.assetId)}`;
  const titleId = `card-title-${item.assetId}`;
  return h(
    'article',
    { class: `asset-card status-${status.toLowerCase()}`, 'data-testid': `asset-card-${item.assetId}`, 'data-status': status, 'data-asset-id': item.assetId, 'aria-labelledby': titleId },
    [
      h('header', { class: 'asset-card-head' }, [h('h2', { id: titleId }, h('a', { href, text: item.assetId })), statusBadge(status, { testid: `asset-status-${item.assetId}` })]),
      h('p', { class: 'asset-meta' }, [h('span', { title: 'Site', text: item.site ?? 'no site' }), ' · ', h('span', { title: 'Asset class', text: item.assetClass ?? 'no class' })]),
      h('p', { class: 'asset-label', text: item.label ?? '' }),
      item.sensorFault ? h('p', { class: 'sensor-fault' }, [icon('fault'), ' Sensor fault: readings rejected']) : null,
      h(
        'dl',
        { class: 'metrics' },
        Object.keys(METRICS).map((m) => {
          const v = item.metrics?.[m];
          return h('div', { class: 'metric', 'data-metric': m }, [
            h('dt', { text: METRICS[m]?.name ?? m }),
            h('dd', { 'data-testid': `metric-${m}-${item.assetId}`, title: v?.ts ? `at ${dateTime(v.ts)}` : undefined, text: metricText(m, v?.value) }),
          ]);
        }),
      ),
      alarms(item),
      breach(item),
      h('footer', { class: 'asset-card-foot' }, [
        h('a', { href, text: 'Details' }),
        h('a', { href: `#/history/${encodeURIComponent(item.assetId)}`, text: 'History' }),
        item.updatedAt ? h('span', { class: 'updated' }, ['Last reading ', timeEl(item.updatedAt, { relative: true })]) : null,
      ]),
    ],
  );
}

/**
 * The "Predicted breach" column: the predicted breach time of the earliest failure prediction in
 * force (relative, absolute in the title), and the remaining useful life with its interval.
 * @param {FleetItem} item
 */
function breach(item) {
  const p = item.prediction ?? null;
  const at = item.predictedBreachAt ?? p?.predictedBreachAt ?? null;
  const title = at ? `${dateTime(at)}${p?.earliestAt ? `, earliest ${dateTime(p.earliestAt)}` : ''}${p?.cause ? ` (${causeText(p.cause)}${p.metric ? `, ${METRICS[p.metric]?.name ?? p.metric}` : ''})` : ''}` : 'no failure predicted';
  return h('p', { class: `breach-eta${at ? ' breach-predicted' : ''}` }, [
    h('span', { class: 'k', text: 'Predicted breach: ' }),
    h('span', { 'data-testid': `breach-eta-${item.assetId}`, 'data-at': at ?? undefined, title, text: at ? breachText(at, item.updatedAt) : '—' }),
    p?.rul ? h('span', { class: 'rul', 'data-testid': `rul-${item.assetId}`, title: p.rul.at ? `estimated ${dateTime(p.rul.at)}` : undefined, text: ` · RUL ${rulText(p.rul)}` }) : null,
    p?.anomaly ? h('span', { class: 'anomaly', title: `since ${dateTime(p.anomaly.since)}` }, [' · ', icon('warn'), ' anomaly']) : null,
  ]);
}

/**
 * The most severe annunciated alarm of the asset (active and not shelved first; a shelved one is
 * marked as shelved, never red), and how many more there are.
 * @param {FleetItem} item
 */
function alarms(item) {
  const list = item.alarms ?? item.activeAlarms ?? [];
  const a = topAlarm(list);
  if (!a) return h('p', { class: 'alarms-none', text: 'No alarm' });
  const state = stateOf(a);
  const shelved = isShelved(a);
  const others = list.length - 1;
  const shelvedOthers = list.filter((x) => x !== a && isShelved(x)).length;
  return h('ul', { class: 'alarms', 'aria-label': 'Most severe alarm' }, [
    h('li', { class: `fleet-alarm${shelved ? ' alarm-is-shelved' : ''}`, 'data-testid': `alarm-${a.alarmId}`, 'data-cause': a.cause, 'data-state': state, 'data-shelved': shelved ? 'true' : 'false', 'data-acknowledged': a.acknowledgedAt ? 'true' : 'false' }, [
      shelved ? null : severityBadge(a.severity),
      h('span', { class: 'alarm-cause', title: a.cause, text: causeText(a.cause) }),
      alarmStateBadge(state, { shelved, short: true }),
      shelved && a.shelved ? h('span', { class: 'muted', title: dateTime(a.shelved.until), text: `ends ${relative(a.shelved.until)}` }) : null,
      a.acknowledgedAt && !shelved ? h('span', { class: 'ack ack-yes', title: dateTime(a.acknowledgedAt) }, [` by ${a.acknowledgedBy ?? '?'}`]) : null,
    ]),
    others > 0 ? h('li', { class: 'muted more-alarms', text: `+${others} more alarm${others === 1 ? '' : 's'}${shelvedOthers ? ` (${shelvedOthers} shelved)` : ''}` }) : null,
  ]);
}
