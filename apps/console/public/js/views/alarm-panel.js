// The asset view's alarm panel (ISA-18.2, issue 5): every alarm record of the twin with its state in
// words, colour and icon, its shelve, and the alarm causes in or out of service. Operators (and
// admins) get the write controls: Acknowledge, Shelve (dialog), Unshelve, Remove from service and
// Return to service; everyone else sees the same panel without them.
import { api, canAcknowledge } from '../api.js';
import { h, notice, replaceChildren, timeEl, relative, dateTime, metricText, METRICS } from '../dom.js';
import { openForm } from '../dialog.js';
import { alarmStateBadge, icon, severityBadge } from '../status.js';
import { alarmOrder, alarmRecords, causeText, durationText, problemText, stateOf } from '../alarms.js';

/** @typedef {import('../alarms.js').AlarmRecord} AlarmRecord */

/** The causes a twin alarms on: the profile's limit cause, vibration when it has ISO 10816 zones, stale data. */
const DEFAULT_CAUSE = 'THRESHOLD_EXCEEDED';

/**
 * @param {{ assetId: string, onChanged: () => void }} opts
 */
export function createAlarmPanel(opts) {
  const base = `/assets/${encodeURIComponent(opts.assetId)}`;
  const el = h('div', { class: 'alarm-panel' });
  const listEl = h('div', { class: 'alarm-list', 'data-testid': 'alarm-list' });
  const causesEl = h('div', { class: 'alarm-causes', 'data-testid': 'alarm-causes' });
  const feedback = h('div', { class: 'alarm-feedback', 'aria-live': 'polite', 'data-testid': 'alarm-feedback' });
  el.append(listEl, feedback, h('h3', { text: 'Alarm causes' }), causesEl);
  /** @type {string | null} what was drawn last: the panel is redrawn only when it changes */
  let drawn = null;

  /** @param {string} text @param {'info' | 'ok' | 'error'} [kind] */
  function say(text, kind = 'info') {
    feedback.replaceChildren(notice(kind, text));
  }

  /**
   * A POST through the console; on success a note and a refresh, on failure the problem text.
   * @param {string} path @param {unknown} body @param {string} done @param {HTMLButtonElement} [button]
   */
  function send(path, body, done, button) {
    if (button) button.disabled = true;
    say('Saving…');
    return api(path, { method: 'POST', body }).then(
      () => {
        say(done, 'ok');
        opts.onChanged();
      },
      (error) => {
        if (button) button.disabled = false;
        say(`Refused: ${problemText(error)}`, 'error');
        if (/** @type {{ status?: number }} */ (error).status === 409) opts.onChanged();
      },
    );
  }

  /** @param {AlarmRecord} a @param {number | null} maxShelveSeconds @param {string | null} profileName */
  function shelveDialog(a, maxShelveSeconds, profileName) {
    const maxMinutes = maxShelveSeconds === null ? null : Math.floor(maxShelveSeconds / 60);
    return openForm({
      title: `Shelve ${causeText(a.cause)} (${a.alarmId})`,
      submitLabel: 'Shelve',
      testid: 'shelve-dialog',
      fields: [
        {
          name: 'durationMinutes',
          label: 'For how many minutes',
          type: 'number',
          required: true,
          value: String(maxMinutes === null ? 60 : Math.min(60, maxMinutes)),
          attrs: { min: 1, step: 1, inputmode: 'numeric' },
          help:
            maxShelveSeconds === null
              ? 'The asset profile limits how long an alarm may stay shelved.'
              : `At most ${durationText(maxShelveSeconds)} (maxShelveSeconds ${maxShelveSeconds}${profileName ? ` of profile ${profileName}` : ''}). A shelved alarm is not annunciated; it comes back when the shelve ends.`,
        },
        { name: 'reason', label: 'Reason (recorded)', type: 'textarea', required: true, attrs: { maxlength: 2000 } },
      ],
      onSubmit: async (v) => {
        const minutes = Number(v.durationMinutes);
        try {
          await api(`${base}/alarms/${encodeURIComponent(a.alarmId)}/shelve`, { method: 'POST', body: { durationMinutes: Number.isFinite(minutes) && v.durationMinutes !== '' ? minutes : v.durationMinutes, reason: v.reason } });
        } catch (error) {
          throw new Error(problemText(error));
        }
      },
    }).then((done) => {
      if (done) {
        say(`Shelved ${a.alarmId}.`, 'ok');
        opts.onChanged();
      }
    });
  }

  /** @param {string} cause */
  function outOfServiceDialog(cause) {
    return openForm({
      title: `Remove ${causeText(cause)} from service`,
      submitLabel: 'Remove from service',
      testid: 'out-of-service-dialog',
      fields: [{ name: 'reason', label: 'Reason (recorded)', type: 'textarea', required: true, attrs: { maxlength: 2000 }, help: 'No alarm is raised for this cause until it returns to service; its open alarm is dropped.' }],
      onSubmit: async (v) => {
        try {
          await api(`${base}/alarm-causes/${encodeURIComponent(cause)}/out-of-service`, { method: 'POST', body: { reason: v.reason } });
        } catch (error) {
          throw new Error(problemText(error));
        }
      },
    }).then((done) => {
      if (done) {
        say(`${causeText(cause)} is out of service.`, 'ok');
        opts.onChanged();
      }
    });
  }

  /**
   * @param {AlarmRecord} a
   * @param {{ mayWrite: boolean, maxShelveSeconds: number | null, profileName: string | null }} ctx
   */
  function alarmItem(a, ctx) {
    const state = stateOf(a);
    const shelve = a.shelved ?? null;
    /** @type {HTMLElement | null} */
    let actions = null;
    if (ctx.mayWrite) {
      const buttons = [];
      if (state === 'ACTIVE_UNACKED' || state === 'RETURNED_UNACKED') {
        const noteId = `alarm-note-${a.alarmId}`;
        const note = /** @type {HTMLInputElement} */ (h('input', { id: noteId, type: 'text', class: 'write-control', maxlength: 2000, placeholder: 'Note (optional)', 'data-testid': `alarm-note-${a.alarmId}` }));
        const ack = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn btn-primary write-control', 'data-testid': `ack-${a.alarmId}`, 'aria-label': `Acknowledge alarm ${a.alarmId}` }, 'Acknowledge'));
        ack.addEventListener('click', () => {
          const text = note.value.trim();
          void send(`${base}/alarms/${encodeURIComponent(a.alarmId)}/acknowledge`, text ? { note: text } : {}, `Acknowledged ${a.alarmId}.`, ack);
        });
        buttons.push(h('label', { for: noteId, class: 'visually-hidden', text: `Note for ${a.alarmId}` }), note, ack);
      }
      if (shelve) {
        const un = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn write-control', 'data-testid': `unshelve-${a.alarmId}`, 'aria-label': `Unshelve alarm ${a.alarmId}` }, 'Unshelve'));
        un.addEventListener('click', () => void send(`${base}/alarms/${encodeURIComponent(a.alarmId)}/unshelve`, {}, `Unshelved ${a.alarmId}.`, un));
        buttons.push(un);
      } else {
        buttons.push(
          h('button', { type: 'button', class: 'btn write-control', 'data-testid': `shelve-${a.alarmId}`, 'aria-label': `Shelve alarm ${a.alarmId}`, onclick: () => void shelveDialog(a, ctx.maxShelveSeconds, ctx.profileName) }, [icon('shelved'), ' Shelve…']),
        );
      }
      actions = h('div', { class: 'alarm-actions' }, buttons);
    }
    const reannounced = a.reannouncements ?? 0;
    return h(
      'li',
      {
        class: `alarm alarm-${state.toLowerCase()}${shelve ? ' alarm-is-shelved' : ''}`,
        'data-testid': `alarm-${a.alarmId}`,
        'data-state': state,
        'data-cause': a.cause,
        'data-shelved': shelve ? 'true' : 'false',
        'data-acknowledged': a.acknowledgedAt ? 'true' : 'false',
      },
      [
        h('div', { class: 'alarm-head' }, [alarmStateBadge(state, { shelved: !!shelve, testid: `alarm-state-${a.alarmId}` }), severityBadge(a.severity), h('strong', { text: causeText(a.cause) }), h('span', { class: 'alarm-id', text: a.alarmId })]),
        shelve ? null : h('p', { class: 'alarm-state-text', text: alarmStateText(state) }),
        a.message ? h('p', { class: 'alarm-message', text: a.message }) : null,
        h('p', {}, ['Raised ', timeEl(a.raisedAt), a.returnedAt ? [' · returned to normal ', timeEl(a.returnedAt)] : null].flat()),
        a.conditions?.length && !a.message ? h('ul', { class: 'conditions' }, a.conditions.map((c) => h('li', { text: `${METRICS[c.metric]?.name ?? c.metric} ${metricText(c.metric, c.value)} ${c.comparator} ${metricText(c.metric, c.limit)}` }))) : null,
        reannounced > 0 ? h('p', { class: 'reannounced', 'data-testid': `reannounced-${a.alarmId}` }, [icon('bell'), ` Re-announced ${reannounced} time${reannounced === 1 ? '' : 's'}`, a.lastAnnouncedAt ? [', last ', timeEl(a.lastAnnouncedAt)] : null].flat()) : null,
        a.acknowledgedAt
          ? h('p', { class: 'ack ack-yes' }, [icon('ok'), ` Acknowledged by ${a.acknowledgedBy ?? '?'} `, timeEl(a.acknowledgedAt)])
          : h('p', { class: 'ack ack-no' }, [icon('bell'), ' Unacknowledged']),
        shelve ? shelveText(shelve, `shelved-${a.alarmId}`) : null,
        actions,
      ],
    );
  }

  /**
   * @param {any} twin
   * @param {any} profile the profile that applies (alarmPolicy.maxShelveSeconds, cause, vibration)
   */
  function render(twin, profile) {
    const records = [...alarmRecords(twin)].sort(alarmOrder);
    const shelves = /** @type {Record<string, import('../alarms.js').Shelve>} */ (twin?.shelves ?? {});
    const outOfService = /** @type {Record<string, import('../alarms.js').OutOfService>} */ (twin?.outOfService ?? {});
    const maxShelveSeconds = typeof profile?.alarmPolicy?.maxShelveSeconds === 'number' ? profile.alarmPolicy.maxShelveSeconds : null;
    const mayWrite = canAcknowledge();
    const key = JSON.stringify([records, shelves, outOfService, maxShelveSeconds, profile?.cause, !!profile?.vibration, mayWrite]);
    if (key === drawn) return;
    drawn = key;
    const ctx = { mayWrite, maxShelveSeconds, profileName: typeof profile?.name === 'string' ? profile.name : null };

    const recordCauses = new Set(records.map((a) => a.cause));
    const loneShelves = Object.entries(shelves).filter(([cause]) => !recordCauses.has(cause));
    replaceChildren(listEl, [
      records.length
        ? h('ul', { class: 'alarms alarms-detail' }, records.map((a) => alarmItem(a, ctx)))
        : h('p', { class: 'alarms-none', 'data-testid': 'no-alarms', text: 'No alarm: every cause is normal.' }),
      loneShelves.length
        ? h(
            'ul',
            { class: 'alarms shelves-only', 'aria-label': 'Shelved causes without an alarm' },
            loneShelves.map(([cause, s]) => {
              const un = ctx.mayWrite ? /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn write-control', 'data-testid': `unshelve-${s.alarmId}` }, 'Unshelve')) : null;
              un?.addEventListener('click', () => void send(`${base}/alarms/${encodeURIComponent(s.alarmId)}/unshelve`, {}, `Unshelved ${causeText(cause)}.`, un));
              return h('li', { class: 'alarm alarm-is-shelved', 'data-testid': `shelve-${cause}` }, [
                h('div', { class: 'alarm-head' }, [alarmStateBadge('SHELVED'), h('strong', { text: causeText(cause) }), h('span', { class: 'alarm-id', text: s.alarmId })]),
                h('p', { class: 'muted', text: 'The cause is normal; a new alarm of it stays shelved until the shelve ends.' }),
                shelveText(s, `shelved-${cause}`),
                un ? h('div', { class: 'alarm-actions' }, [un]) : null,
              ]);
            }),
          )
        : null,
    ]);

    const causes = new Set([profile?.cause ?? DEFAULT_CAUSE, ...(profile?.vibration ? ['VIBRATION_HIGH'] : []), 'NO_DATA', ...recordCauses, ...Object.keys(shelves), ...Object.keys(outOfService)]);
    replaceChildren(
      causesEl,
      h(
        'ul',
        { class: 'cause-list' },
        [...causes].sort().map((cause) => {
          const oos = Object.hasOwn(outOfService, cause) ? outOfService[cause] : null;
          /** @type {HTMLElement | null} */
          let button = null;
          if (ctx.mayWrite && oos) {
            const b = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn write-control', 'data-testid': `in-service-${cause}` }, 'Return to service'));
            b.addEventListener('click', () => void send(`${base}/alarm-causes/${encodeURIComponent(cause)}/in-service`, {}, `${causeText(cause)} is back in service.`, b));
            button = b;
          } else if (ctx.mayWrite) {
            button = h('button', { type: 'button', class: 'btn btn-quiet write-control', 'data-testid': `out-of-service-${cause}`, onclick: () => void outOfServiceDialog(cause) }, 'Remove from service…');
          }
          return h('li', { class: `cause${oos ? ' cause-oos' : ''}`, 'data-testid': `cause-${cause}`, 'data-in-service': oos ? 'false' : 'true' }, [
            h('div', { class: 'cause-head' }, [
              oos ? alarmStateBadge('OUT_OF_SERVICE', { short: true }) : h('span', { class: 'badge cause-in-service' }, [icon('ok'), h('span', { text: 'In service' })]),
              h('strong', { text: causeText(cause) }),
              h('code', { class: 'alarm-id', text: cause }),
            ]),
            oos ? h('p', { class: 'muted' }, [`Out of service since `, timeEl(oos.at), ` by ${oos.by}: ${oos.reason}`]) : null,
            button,
          ]);
        }),
      ),
    );
  }

  return {
    el,
    render,
    /** Forget what was drawn (the next render redraws). */
    reset() {
      drawn = null;
    },
  };
}

/** @param {string} state */
function alarmStateText(state) {
  switch (state) {
    case 'ACTIVE_UNACKED':
      return 'The condition is active and nobody has acknowledged it.';
    case 'ACTIVE_ACKED':
      return 'The condition is still active; an operator has acknowledged it.';
    case 'RETURNED_UNACKED':
      return 'The condition has returned to normal, but nobody has acknowledged the alarm yet.';
    default:
      return '';
  }
}

/** @param {import('../alarms.js').Shelve} s @param {string} testid */
function shelveText(s, testid) {
  return h('p', { class: 'shelve-text', 'data-testid': testid }, [icon('shelved'), ' Shelved until ', h('time', { datetime: s.until, title: relative(s.until), text: dateTime(s.until) }), ` (${relative(s.until)}) by ${s.by}: ${s.reason}`]);
}
