// Sign-in: paste a token, the console checks it with GET /api/session.
import { api } from '../api.js';
import { h, notice } from '../dom.js';

/**
 * @param {HTMLElement} main
 * @param {{ message?: string, onSignedIn: (token: string, session: import('../api.js').Session) => void }} opts
 */
export function mountSignIn(main, opts) {
  const input = /** @type {HTMLInputElement} */ (
    h('input', { id: 'signin-token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'data-testid': 'signin-token', 'aria-describedby': 'signin-help' })
  );
  const submit = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'signin-submit' }, 'Sign in'));
  const status = h('div', { class: 'signin-status', 'aria-live': 'polite' }, opts.message ? notice(opts.message.startsWith('You signed out') ? 'info' : 'error', opts.message) : null);

  const form = h('form', { class: 'signin card', 'aria-labelledby': 'signin-title', novalidate: true }, [
    h('h1', { id: 'signin-title', text: 'Sign in to the Twinline console' }),
    h('label', { for: 'signin-token', text: 'Access token' }),
    input,
    h('p', { id: 'signin-help', class: 'help' }, [
      'Paste the token you were given (',
      h('code', { text: 'npx twinline token create --sub you --role operator' }),
      '). It is kept only in this browser tab and sent to the console API.',
    ]),
    h('div', { class: 'actions' }, [submit]),
    status,
  ]);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim().replace(/^Bearer\s+/i, '');
    if (!token) {
      status.replaceChildren(notice('error', 'Paste a token first.'));
      input.focus();
      return;
    }
    submit.disabled = true;
    status.replaceChildren(notice('info', 'Checking the token…'));
    api('/session', { token, signingIn: true }).then(
      (session) => opts.onSignedIn(token, session),
      (error) => {
        submit.disabled = false;
        const e = /** @type {import('../api.js').ApiError} */ (error);
        status.replaceChildren(notice('error', e.status === 401 ? `Token refused: ${e.message}` : `Sign-in failed: ${e.message}`));
        input.select();
      },
    );
  });

  main.replaceChildren(h('section', { class: 'view view-signin' }, [form]));
  input.focus();
}
