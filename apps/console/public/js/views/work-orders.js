// Work orders: a board with one column per status; planners and admins move the cards.
import { api, canPlan } from '../api.js';
import { h, notice, replaceChildren, dateTime, relative, coalesce } from '../dom.js';
import { openForm } from '../dialog.js';
import { onLive } from '../live.js';
import { icon } from '../status.js';

const COLUMNS = ['REQUESTED', 'APPROVED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'];
const FINAL = new Set(['COMPLETED', 'CANCELLED']);
const COLUMN_TITLES = /** @type {Record<string, string>} */ ({ REQUESTED: 'Requested', APPROVED: 'Approved', SCHEDULED: 'Scheduled', IN_PROGRESS: 'In progress', COMPLETED: 'Completed', CANCELLED: 'Cancelled' });
const PRIORITY_TEXT = /** @type {Record<string, string>} */ ({ P1: 'P1 urgent', P2: 'P2 high', P3: 'P3 medium', P4: 'P4 low' });
/** Which moves each status allows (the scheduler decides; this only offers them). */
const ACTIONS = /** @type {Record<string, string[]>} */ ({
  REQUESTED: ['approve', 'cancel'],
  APPROVED: ['schedule', 'start', 'cancel'],
  SCHEDULED: ['schedule', 'start', 'cancel'],
  IN_PROGRESS: ['complete', 'cancel'],
});
const ACTION_TEXT = /** @type {Record<string, string>} */ ({ approve: 'Approve', schedule: 'Schedule', start: 'Start', complete: 'Complete', cancel: 'Cancel' });
const FINAL_SHOWN = 30;

/**
 * @typedef {{ workOrderId: string, assetId: string, type: string, cause?: string, priority: string, status: string, title: string, alarmIds?: string[], predictionIds?: string[], openedAt?: string, firstWarningAt?: string | null, dueAt?: string | null, scheduledFor?: string | null, crew?: string | null, startedAt?: string | null, completedAt?: string | null, cancelledAt?: string | null, cancelReason?: string | null, findings?: string | null, failure?: { mode: string, failedAt: string } | null, labourHours?: number | null, approvedBy?: string | null }} WorkOrder
 */

/**
 * @param {HTMLElement} main
 * @param {{ query: URLSearchParams }} route
 */
export function mountWorkOrders(main, route) {
  let assetFilter = route.query.get('assetId') ?? '';
  /** @type {WorkOrder[]} */
  let orders = [];
  let disposed = false;
  /** @type {Set<string>} columns showing every final order */
  const expanded = new Set();

  const message = h('div', { class: 'view-message' });
  const filterBar = h('form', { class: 'filters', 'aria-label': 'Filter work orders', onsubmit: (/** @type {Event} */ e) => e.preventDefault() });
  const board = h('div', { class: 'board', 'data-testid': 'work-order-board' });
  main.append(
    h('section', { class: 'view view-work-orders', 'aria-labelledby': 'wo-title' }, [
      h('div', { class: 'view-head' }, [h('h1', { id: 'wo-title', text: 'Work orders' }), canPlan() ? null : h('p', { class: 'muted', text: 'Read only: planners and admins move work orders.' })]),
      filterBar,
      message,
      board,
    ]),
  );
  document.title = 'Work orders · Twinline console';

  function renderFilters() {
    const assets = [...new Set([...orders.map((o) => o.assetId), assetFilter].filter(Boolean))].sort();
    const sel = /** @type {HTMLSelectElement} */ (h('select', { id: 'filter-asset', 'data-testid': 'filter-asset' }, [h('option', { value: '', text: 'All assets' }), ...assets.map((a) => h('option', { value: a, text: a }))]));
    sel.value = assetFilter;
    sel.addEventListener('change', () => {
      assetFilter = sel.value;
      history.replaceState(null, '', `#/work-orders${assetFilter ? `?assetId=${encodeURIComponent(assetFilter)}` : ''}`);
      void load();
    });
    replaceChildren(filterBar, [h('div', { class: 'field' }, [h('label', { for: 'filter-asset', text: 'Asset' }), sel])]);
  }

  async function load() {
    try {
      const answer = await api('/work-orders', { query: { assetId: assetFilter } });
      if (disposed) return;
      orders = answer.items ?? [];
      message.replaceChildren(answer.nextAfter ? notice('info', 'Showing the first 500 work orders.') : '');
      if (!filterBar.querySelector('select') || !assetFilter) renderFilters();
      render();
    } catch (error) {
      if (!disposed) message.replaceChildren(notice('error', `Could not load work orders: ${/** @type {Error} */ (error).message}`));
    }
  }

  function render() {
    const planner = canPlan();
    const now = Date.now();
    replaceChildren(
      board,
      COLUMNS.map((status) => {
        let list = orders.filter((o) => o.status === status);
        if (FINAL.has(status)) list.sort((a, b) => String(b.completedAt ?? b.cancelledAt ?? b.openedAt ?? '').localeCompare(String(a.completedAt ?? a.cancelledAt ?? a.openedAt ?? '')));
        else list.sort((a, b) => a.priority.localeCompare(b.priority) || String(a.dueAt ?? '9').localeCompare(String(b.dueAt ?? '9')));
        const total = list.length;
        const cut = FINAL.has(status) && !expanded.has(status) && total > FINAL_SHOWN;
        if (cut) list = list.slice(0, FINAL_SHOWN);
        const headingId = `col-${status}`;
        return h('section', { class: `board-column col-${status.toLowerCase()}`, 'data-testid': `column-${status}`, 'aria-labelledby': headingId }, [
          h('h2', { id: headingId }, [COLUMN_TITLES[status] ?? status, h('span', { class: 'col-count', 'aria-label': `${total} work orders`, text: String(total) })]),
          h('div', { class: 'column-cards' }, list.length ? list.map((o) => card(o, planner, now)) : [h('p', { class: 'muted empty', text: 'None' })]),
          cut
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-quiet',
                  onclick: () => {
                    expanded.add(status);
                    render();
                  },
                },
                `Show all ${total}`,
              )
            : null,
        ]);
      }),
    );
  }

  /**
   * @param {WorkOrder} o
   * @param {boolean} planner
   * @param {number} now
   */
  function card(o, planner, now) {
    const overdue = !FINAL.has(o.status) && !!o.dueAt && Date.parse(o.dueAt) < now;
    const titleId = `wo-${o.workOrderId}`;
    return h('article', { class: `wo-card prio-${String(o.priority).toLowerCase()}${overdue ? ' overdue' : ''}`, 'data-testid': `wo-card-${o.workOrderId}`, 'data-status': o.status, 'data-overdue': overdue ? 'true' : 'false', 'aria-labelledby': titleId }, [
      h('div', { class: 'wo-head' }, [h('span', { class: `badge prio prio-${String(o.priority).toLowerCase()}`, title: `Priority ${o.priority}`, text: PRIORITY_TEXT[o.priority] ?? o.priority }), h('span', { class: 'wo-type', text: o.type })]),
      h('h3', { id: titleId, text: o.title }),
      h('p', { class: 'wo-id muted', text: o.workOrderId }),
      h('p', {}, ['Asset ', h('a', { href: `#/assets/${encodeURIComponent(o.assetId)}`, text: o.assetId })]),
      o.dueAt
        ? h('p', { class: `wo-due${overdue ? ' is-overdue' : ''}`, 'data-testid': `wo-due-${o.workOrderId}` }, [
            overdue ? h('span', { class: 'badge overdue-badge' }, [icon('warn'), ' Overdue']) : null,
            ` Due ${dateTime(o.dueAt)} (${relative(o.dueAt, now)})`,
          ])
        : h('p', { class: 'wo-due muted', text: 'No due date' }),
      o.alarmIds?.length ? h('p', { class: 'wo-alarms' }, [`Alarm${o.alarmIds.length > 1 ? 's' : ''}: `, ...o.alarmIds.flatMap((a, i) => [i ? ', ' : '', h('code', { title: a, 'aria-label': a, text: a.length > 16 ? `${a.slice(0, 14)}…` : a })])]) : null,
      o.predictionIds?.length ? h('p', { class: 'wo-alarms', text: `Predictions: ${o.predictionIds.join(', ')}` }) : null,
      o.scheduledFor ? h('p', { text: `Scheduled ${dateTime(o.scheduledFor)}${o.crew ? ` · crew ${o.crew}` : ''}` }) : null,
      o.startedAt ? h('p', { text: `Started ${dateTime(o.startedAt)}` }) : null,
      o.status === 'COMPLETED' ? h('p', { text: `Completed ${dateTime(o.completedAt)}${o.failure ? ` · failure: ${o.failure.mode}` : ' · no failure'}${o.labourHours !== undefined && o.labourHours !== null ? ` · ${o.labourHours} h` : ''}` }) : null,
      o.findings ? h('p', { class: 'muted', text: `Findings: ${o.findings}` }) : null,
      o.status === 'CANCELLED' ? h('p', { text: `Cancelled ${dateTime(o.cancelledAt)}${o.cancelReason ? `: ${o.cancelReason}` : ''}` }) : null,
      planner && ACTIONS[o.status]
        ? h(
            'div',
            { class: 'wo-actions' },
            (ACTIONS[o.status] ?? []).map((action) =>
              h(
                'button',
                {
                  type: 'button',
                  class: `btn write-control${action === 'cancel' ? ' btn-danger' : ''}`,
                  'data-testid': `wo-${action}-${o.workOrderId}`,
                  'aria-label': `${ACTION_TEXT[action]} ${o.workOrderId}`,
                  onclick: (/** @type {Event} */ e) => void act(o, action, /** @type {HTMLButtonElement} */ (e.currentTarget)),
                },
                o.status === 'SCHEDULED' && action === 'schedule' ? 'Reschedule' : ACTION_TEXT[action],
              ),
            ),
          )
        : null,
    ]);
  }

  /**
   * @param {WorkOrder} o
   * @param {string} action
   * @param {Record<string, unknown>} body
   */
  async function post(o, action, body) {
    await api(`/work-orders/${encodeURIComponent(o.workOrderId)}/${action}`, { method: 'POST', body });
    await load();
  }

  /**
   * @param {WorkOrder} o
   * @param {string} action
   * @param {HTMLButtonElement} button
   */
  async function act(o, action, button) {
    const iso = (/** @type {string | undefined} */ local) => (local ? new Date(local).toISOString() : '');
    if (action === 'approve' || action === 'start') {
      button.disabled = true;
      try {
        await post(o, action, {});
      } catch (error) {
        button.disabled = false;
        message.replaceChildren(notice('error', `${ACTION_TEXT[action]} ${o.workOrderId} failed: ${/** @type {Error} */ (error).message}`));
      }
      return;
    }
    if (action === 'schedule') {
      await openForm({
        title: `Schedule ${o.workOrderId}`,
        submitLabel: 'Schedule',
        testid: 'dialog-schedule',
        fields: [
          { name: 'scheduledFor', label: 'Date and time', type: 'datetime-local', required: true, value: toLocalInput(o.scheduledFor ?? new Date(Date.now() + 86400_000).toISOString()) },
          { name: 'crew', label: 'Crew', type: 'text', required: true, value: o.crew ?? '', attrs: { maxlength: 200 } },
        ],
        onSubmit: (v) => post(o, 'schedule', { scheduledFor: iso(v.scheduledFor), crew: v.crew }),
      });
    } else if (action === 'complete') {
      await openForm({
        title: `Complete ${o.workOrderId}`,
        submitLabel: 'Complete',
        testid: 'dialog-complete',
        fields: [
          { name: 'findings', label: 'Findings', type: 'textarea', required: true, attrs: { maxlength: 10000 } },
          {
            name: 'failureFound',
            label: 'Failure',
            type: 'radio',
            value: 'none',
            options: [
              ['none', 'No failure found (precautionary work)'],
              ['found', 'A failure was found'],
            ],
          },
          { name: 'failureMode', label: 'Failure mode', type: 'text', required: true, attrs: { maxlength: 200 }, showIf: (v) => v.failureFound === 'found' },
          { name: 'failedAt', label: 'Failed at', type: 'datetime-local', required: true, showIf: (v) => v.failureFound === 'found', value: toLocalInput(o.firstWarningAt ?? o.openedAt ?? new Date().toISOString()) },
          { name: 'labourHours', label: 'Labour hours', type: 'number', required: true, attrs: { min: 0, max: 100000, step: 0.25 } },
          { name: 'parts', label: 'Parts used', type: 'textarea', help: 'One per line: part number, quantity, description (optional). Example: SEAL-42, 1, mechanical seal' },
        ],
        onSubmit: (v) => {
          const hours = Number(v.labourHours);
          if (!Number.isFinite(hours) || hours < 0) return Promise.reject(new Error('Labour hours must be a number ≥ 0.'));
          return post(o, 'complete', {
            findings: v.findings,
            failure: v.failureFound === 'found' ? { mode: v.failureMode, failedAt: iso(v.failedAt) } : null,
            parts: parseParts(v.parts ?? ''),
            labourHours: hours,
          });
        },
      });
    } else if (action === 'cancel') {
      await openForm({
        title: `Cancel ${o.workOrderId}`,
        submitLabel: 'Cancel work order',
        testid: 'dialog-cancel-order',
        fields: [{ name: 'reason', label: 'Reason', type: 'textarea', required: true, attrs: { maxlength: 2000 } }],
        onSubmit: (v) => post(o, 'cancel', { reason: v.reason }),
      });
    }
    if (document.contains(button)) button.focus();
  }

  const reload = coalesce(() => void load());
  const off = onLive('workorder', (event) => {
    if (!assetFilter || event?.assetId === assetFilter) reload(400);
  });
  renderFilters();
  void load();

  return () => {
    disposed = true;
    off();
    reload.cancel();
  };
}

/** @param {string} iso */
function toLocalInput(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "SEAL-42, 1, mechanical seal" per line → parts. @param {string} text */
function parseParts(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [partNumber = '', quantity = '1', ...rest] = line.split(',').map((x) => x.trim());
      const description = rest.join(', ');
      return { partNumber, quantity: Number(quantity) || 1, ...(description ? { description } : {}) };
    });
}
