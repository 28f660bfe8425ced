// Alarm KPIs per site (ANSI/ISA-18.2 §16.5, EEMUA 191): alarms per 10 minutes, flood periods, time
// in flood, chattering alarms and the top-10 share, each beside its target (GET /api/alarm-kpis).
import { api } from '../api.js';
import { h, notice, replaceChildren, dateTime, num, coalesce } from '../dom.js';
import { onLive } from '../live.js';
import { icon } from '../status.js';
import { causeText } from '../alarms.js';

/** @type {Array<[string, string, number]>} value, text, hours */
const WINDOWS = [
  ['1h', 'Last hour', 1],
  ['24h', 'Last 24 hours', 24],
  ['7d', 'Last 7 days', 168],
  ['31d', 'Last 31 days', 744],
];

/**
 * @param {HTMLElement} main
 * @param {{ query: URLSearchParams }} route
 */
export function mountAlarmKpis(main, route) {
  let site = route.query.get('site') ?? '';
  let windowKey = WINDOWS.some(([k]) => k === route.query.get('window')) ? /** @type {string} */ (route.query.get('window')) : '24h';
  let disposed = false;
  /** @type {string[]} */
  let sites = [];

  const filterBar = h('form', { class: 'filters', 'aria-label': 'Choose the site and the window', onsubmit: (/** @type {Event} */ e) => e.preventDefault() });
  const message = h('div', { class: 'view-message' });
  const windowInfo = h('p', { class: 'muted', 'aria-live': 'polite', 'data-testid': 'kpi-window' });
  const body = h('div', { class: 'kpi-sites', 'data-testid': 'kpi-sites' });
  main.append(
    h('section', { class: 'view view-kpis', 'aria-labelledby': 'kpi-title' }, [
      h('div', { class: 'view-head' }, [
        h('h1', { id: 'kpi-title', text: 'Alarm KPIs' }),
        h('p', { class: 'help', text: 'Alarm system performance per site against the ANSI/ISA-18.2 (and EEMUA 191) targets for one operator position. Only annunciated alarms count: raises while shelved and re-announcements are shown apart.' }),
      ]),
      filterBar,
      windowInfo,
      message,
      body,
    ]),
  );
  document.title = 'Alarm KPIs · Twinline console';

  function hash() {
    const q = new URLSearchParams();
    if (site) q.set('site', site);
    if (windowKey !== '24h') q.set('window', windowKey);
    const qs = q.toString();
    return `#/alarm-kpis${qs ? `?${qs}` : ''}`;
  }

  function renderFilters() {
    const siteSel = /** @type {HTMLSelectElement} */ (h('select', { id: 'kpi-site', 'data-testid': 'kpi-site' }, [h('option', { value: '', text: 'All sites' }), ...[...new Set([...sites, site].filter(Boolean))].sort().map((x) => h('option', { value: x, text: x }))]));
    siteSel.value = site;
    siteSel.addEventListener('change', () => {
      site = siteSel.value;
      history.replaceState(null, '', hash());
      void load();
    });
    const winSel = /** @type {HTMLSelectElement} */ (h('select', { id: 'kpi-window-select', 'data-testid': 'kpi-window-select' }, WINDOWS.map(([v, t]) => h('option', { value: v, text: t }))));
    winSel.value = windowKey;
    winSel.addEventListener('change', () => {
      windowKey = winSel.value;
      history.replaceState(null, '', hash());
      void load();
    });
    replaceChildren(filterBar, [
      h('div', { class: 'field' }, [h('label', { for: 'kpi-site', text: 'Site' }), siteSel]),
      h('div', { class: 'field' }, [h('label', { for: 'kpi-window-select', text: 'Window' }), winSel]),
      h('button', { type: 'button', class: 'btn', 'data-testid': 'kpi-refresh', onclick: () => void load() }, 'Refresh'),
    ]);
  }

  async function load() {
    const hours = WINDOWS.find(([k]) => k === windowKey)?.[2] ?? 24;
    const to = new Date();
    const from = new Date(to.getTime() - hours * 3600_000);
    body.setAttribute('aria-busy', 'true');
    try {
      const answer = await api('/alarm-kpis', { query: { site, from: from.toISOString(), to: to.toISOString() } });
      if (disposed) return;
      message.replaceChildren();
      windowInfo.textContent = `${dateTime(answer.from)} – ${dateTime(answer.to)}: ${answer.periods} ten-minute periods.`;
      const list = answer.sites ?? [];
      replaceChildren(
        body,
        list.length
          ? list.map((/** @type {any} */ s) => sitePanel(s, answer.targets ?? {}))
          : h('p', { class: 'notice notice-ok', 'data-testid': 'kpi-none', role: 'status', text: `No alarm annunciated${site ? ` at ${site}` : ''} in this window: every KPI is within its target.` }),
      );
    } catch (error) {
      if (!disposed) message.replaceChildren(notice('error', `Could not load the alarm KPIs: ${/** @type {Error} */ (error).message}`));
    } finally {
      body.removeAttribute('aria-busy');
    }
  }

  api('/fleet').then(
    (answer) => {
      if (disposed) return;
      sites = answer.sites ?? [];
      renderFilters();
    },
    () => undefined,
  );

  // New alarms move the KPIs: recount at most every 5 s while they come.
  const refresh = coalesce(() => void load());
  const off = onLive('twin', (event) => {
    if (event?.type === 'AlarmRaised' || event?.type === 'AlarmReannounced') refresh(5000);
  });

  renderFilters();
  void load();
  return () => {
    disposed = true;
    off();
    refresh.cancel();
  };
}

/**
 * @param {boolean | undefined} ok
 * @param {string} what
 */
function verdict(ok, what) {
  if (ok === undefined) return h('td', { class: 'muted', text: '—' });
  return h('td', { class: `kpi-verdict ${ok ? 'kpi-ok' : 'kpi-miss'}`, 'data-meets': ok ? 'true' : 'false' }, [icon(ok ? 'ok' : 'warn'), ok ? ' Meets' : ` Misses the target (${what})`]);
}

/** @param {number} n */
const pct = (n) => `${num(n, 2)} %`;

/**
 * @param {any} s one site's KPIs (SiteAlarmKpis)
 * @param {any} t the ISA-18.2 targets
 */
function sitePanel(s, t) {
  const name = s.site ?? 'Assets without a site';
  const key = s.site ?? 'none';
  const meets = s.meetsTargets ?? {};
  const flood = s.longestFlood;
  /** @type {Array<[string, string, (Node | string)[] | string, string, HTMLElement]>} id, KPI, value, target, verdict */
  const rows = [
    ['alarms', 'Annunciated alarms', [`${s.alarms}`, s.shelvedRaises || s.reannouncements ? h('span', { class: 'muted', text: ` (not counted: ${s.shelvedRaises} raised while shelved, ${s.reannouncements} re-announcements)` }) : ''], '—', verdict(undefined, '')],
    ['rate', 'Average alarms per 10 minutes', num(s.averagePer10Minutes, 2), `≤ ${t.alarmsPer10MinutesAcceptable ?? 1} very likely acceptable, ≤ ${t.alarmsPer10MinutesMaxManageable ?? 2} maximum manageable`, verdict(meets.averageRate, 'rate')],
    ['peak', 'Most alarms in one 10-minute period', String(s.peakPer10Minutes), `≤ ${t.floodThresholdPer10Minutes ?? 10} (more is a flood)`, verdict(s.peakPer10Minutes <= (t.floodThresholdPer10Minutes ?? 10), 'flood')],
    [
      'floods',
      'Flood periods (> 10 alarms in 10 minutes)',
      [
        String(s.floodPeriods?.length ?? 0),
        flood ? h('span', { class: 'muted', text: ` · longest ${num(flood.minutes, 0)} min from ${dateTime(flood.start)}, ${flood.alarms} alarms` }) : '',
      ],
      'as few as possible',
      verdict(undefined, ''),
    ],
    ['flood-time', 'Time in flood', pct(s.percentTimeInFlood), `< ${t.percentTimeInFloodMax ?? 1} %`, verdict(meets.floods, 'floods')],
    [
      'chattering',
      'Chattering alarms (≥ 3 raises within 60 s)',
      [String(s.chattering?.length ?? 0), ...(s.chattering ?? []).slice(0, 5).map((/** @type {any} */ c) => h('span', { class: 'kpi-item', text: ` · ${c.assetId} ${causeText(c.cause)} (${c.raises} raises, up to ${c.maxRaisesIn60s} in 60 s)` }))],
      `${t.chatteringAlarmsMax ?? 0}`,
      verdict(meets.chattering, 'chattering'),
    ],
    ['top10', 'Share of the 10 most frequent alarms', pct(s.topTenSharePercent), `${t.topTenSharePercentTarget ?? 1} % – ${t.topTenSharePercentMax ?? 5} % at most`, verdict(meets.topTenShare, 'top 10')],
  ];
  return h('section', { class: 'panel kpi-site', 'data-testid': `kpi-site-${key}`, 'aria-label': `Alarm KPIs of ${name}` }, [
    h('h2', { text: name }),
    h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': `KPIs of ${name}` }, [
      h('table', { class: 'kpi-table' }, [
        h('thead', {}, h('tr', {}, ['KPI', 'Value', 'ISA-18.2 target', ''].map((x) => h('th', { scope: 'col', text: x })))),
        h(
          'tbody',
          {},
          rows.map(([id, kpi, value, target, v]) => h('tr', { 'data-kpi': id }, [h('th', { scope: 'row', text: kpi }), h('td', { class: 'num', 'data-testid': `kpi-${id}-${key}` }, value), h('td', { text: target }), v])),
        ),
      ]),
    ]),
    s.topTen?.length
      ? h('details', { class: 'kpi-top' }, [
          h('summary', { text: `The ${s.topTen.length} most frequent alarms` }),
          h('ol', {}, s.topTen.map((/** @type {any} */ a) => h('li', { text: `${a.assetId} ${causeText(a.cause)}: ${a.alarms} alarms, ${pct(a.sharePercent)}` }))),
        ])
      : null,
  ]);
}
