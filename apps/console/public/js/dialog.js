// A modal form in a native <dialog>: fields in, values out; stays open and shows the error when
// the submit action fails.
import { h, notice } from './dom.js';

/**
 * @typedef {object} Field
 * @property {string} name
 * @property {string} label
 * @property {'text' | 'textarea' | 'datetime-local' | 'number' | 'radio'} type
 * @property {boolean} [required]
 * @property {string} [value]
 * @property {string} [help]
 * @property {Record<string, string | number>} [attrs]
 * @property {Array<[string, string]>} [options] for radio: value, text
 * @property {(values: Record<string, string>) => boolean} [showIf] shown (and validated) only when true
 */

/**
 * @param {{ title: string, submitLabel: string, fields: Field[], testid?: string, onSubmit: (values: Record<string, string>) => Promise<unknown> }} opts
 * @returns {Promise<boolean>} true when submitted successfully
 */
export function openForm(opts) {
  return new Promise((resolve) => {
    const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { class: 'form-dialog', 'aria-labelledby': 'dialog-title', 'data-testid': opts.testid ?? 'form-dialog' }));
    const status = h('div', { class: 'dialog-status', 'aria-live': 'polite' });
    /** @type {Map<string, HTMLElement>} */
    const rows = new Map();
    const form = /** @type {HTMLFormElement} */ (h('form', { method: 'dialog', novalidate: true }));

    for (const f of opts.fields) {
      const id = `dlg-${f.name}`;
      let control;
      if (f.type === 'textarea') {
        control = h('textarea', { id, name: f.name, rows: 3, required: f.required, 'data-testid': id, ...f.attrs });
        if (f.value) /** @type {HTMLTextAreaElement} */ (control).value = f.value;
      } else if (f.type === 'radio') {
        control = h(
          'fieldset',
          { class: 'radios' },
          [h('legend', { text: f.label }), ...(f.options ?? []).map(([v, t]) => h('label', { class: 'radio' }, [h('input', { type: 'radio', name: f.name, value: v, checked: (f.value ?? f.options?.[0]?.[0]) === v, 'data-testid': `${id}-${v}` }), ` ${t}`]))],
        );
      } else {
        control = h('input', { id, name: f.name, type: f.type, required: f.required, value: f.value, 'data-testid': id, ...f.attrs });
      }
      const row = h('div', { class: 'field' }, [f.type === 'radio' ? null : h('label', { for: id, text: `${f.label}${f.required ? '' : ' (optional)'}` }), control, f.help ? h('p', { class: 'help', text: f.help }) : null]);
      rows.set(f.name, row);
      form.append(row);
    }
    const submit = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'dialog-submit' }, opts.submitLabel));
    const cancel = h('button', { type: 'button', class: 'btn btn-quiet', 'data-testid': 'dialog-cancel', onclick: () => dialog.close('cancel') }, 'Close');
    form.append(status, h('div', { class: 'actions' }, [cancel, submit]));
    dialog.append(h('h2', { id: 'dialog-title', text: opts.title }), form);

    const values = () => {
      /** @type {Record<string, string>} */
      const out = {};
      for (const [k, v] of new FormData(form).entries()) out[k] = String(v).trim();
      return out;
    };
    const applyVisibility = () => {
      const v = values();
      for (const f of opts.fields) {
        const row = rows.get(f.name);
        if (row) row.hidden = f.showIf ? !f.showIf(v) : false;
      }
    };
    form.addEventListener('change', applyVisibility);
    applyVisibility();

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const v = values();
      const missing = opts.fields.filter((f) => f.required && (!f.showIf || f.showIf(v)) && !v[f.name]);
      if (missing.length) {
        status.replaceChildren(notice('error', `Fill in: ${missing.map((f) => f.label).join(', ')}.`));
        const first = form.querySelector(`[name="${missing[0]?.name}"]`);
        if (first instanceof HTMLElement) first.focus();
        return;
      }
      submit.disabled = true;
      status.replaceChildren(notice('info', 'Saving…'));
      opts.onSubmit(v).then(
        () => {
          dialog.close('done');
        },
        (error) => {
          submit.disabled = false;
          status.replaceChildren(notice('error', /** @type {Error} */ (error).message));
        },
      );
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'done');
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
