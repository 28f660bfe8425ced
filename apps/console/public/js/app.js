// The console shell: sign-in state, header, hash router and the live stream.
import { api, clearToken, getToken, session, setSession, setToken, setUnauthorizedHandler } from './api.js';
import { h, parseHash, replaceChildren, dateTime } from './dom.js';
import { onLiveState, startLive, stopLive } from './live.js';
import { mountSignIn } from './views/signin.js';
import { mountFleet } from './views/fleet.js';
import { mountAsset } from './views/asset.js';
import { mountWorkOrders } from './views/work-orders.js';
import { mountHistory } from './views/history.js';
import { mountAlarmKpis } from './views/alarm-kpis.js';

/** @typedef {{ path: string[], query: URLSearchParams }} Route */
/** @typedef {(main: HTMLElement, route: Route) => (() => void) | void} View */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
const liveEl = /** @type {HTMLElement} */ (document.getElementById('live-state'));

/** @type {(() => void) | void} */
let unmount;
/** Where to go after signing in (the page a 401 interrupted). */
let returnTo = '#/fleet';

/** @type {Record<string, View>} */
const VIEWS = {
  fleet: mountFleet,
  assets: mountAsset,
  'work-orders': mountWorkOrders,
  history: mountHistory,
  'alarm-kpis': mountAlarmKpis,
};

function renderWho() {
  const s = session();
  nav.hidden = !s;
  if (!s) {
    who.replaceChildren();
    return;
  }
  replaceChildren(who, [
    h('span', { class: 'who-name', 'data-testid': 'session-sub', text: s.sub }),
    h(
      'span',
      { class: 'roles', 'data-testid': 'session-roles', 'aria-label': `Roles: ${s.roles.join(', ')}` },
      s.roles.map((r) => h('span', { class: `role role-${r}`, text: r })),
    ),
    s.expiresAt ? h('span', { class: 'expires', title: 'Token expires', text: `until ${dateTime(typeof s.expiresAt === 'number' && s.expiresAt < 1e12 ? s.expiresAt * 1000 : s.expiresAt)}` }) : null,
    h('button', { type: 'button', class: 'btn btn-quiet', 'data-testid': 'signout', onclick: () => signOut('You signed out.') }, 'Sign out'),
  ]);
}

/** @param {string} message shown on the sign-in page */
function signOut(message) {
  clearToken();
  setSession(null);
  stopLive();
  renderWho();
  showSignIn(message);
}

/** @param {string} [message] */
function showSignIn(message) {
  if (typeof unmount === 'function') unmount();
  unmount = mountSignIn(main, {
    message,
    /** @param {string} token @param {import('./api.js').Session} s */
    onSignedIn(token, s) {
      setToken(token);
      signedIn(token, s);
      const target = returnTo;
      returnTo = '#/fleet';
      if (location.hash === target) route();
      else location.hash = target;
    },
  });
  document.title = 'Sign in · Twinline console';
}

/** @param {string} token @param {import('./api.js').Session} s */
function signedIn(token, s) {
  setSession({ sub: s.sub, roles: Array.isArray(s.roles) ? s.roles : [], expiresAt: s.expiresAt ?? null });
  renderWho();
  startLive(token);
}

function route() {
  const { path, query } = parseHash(location.hash);
  if (!session()) {
    if (path[0] && path[0] !== 'signin') returnTo = location.hash;
    showSignIn();
    return;
  }
  const name = path[0] ?? '';
  const view = VIEWS[name];
  if (!view) {
    location.replace('#/fleet');
    return;
  }
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.view === name || (name === 'assets' && a.dataset.view === 'fleet')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (typeof unmount === 'function') unmount();
  main.replaceChildren();
  unmount = view(main, { path, query });
  main.focus({ preventScroll: true });
}

onLiveState((state) => {
  const text = { off: 'Live: off', connecting: 'Live: connecting…', live: 'Live', retrying: 'Live: reconnecting…' }[state];
  liveEl.textContent = text;
  liveEl.dataset.state = state;
});

setUnauthorizedHandler((message) => {
  if (!session()) return;
  returnTo = location.hash || '#/fleet';
  signOut(`Signed out: ${message}`);
});

window.addEventListener('hashchange', route);
// The skip link must not change the hash (the router owns it): it only moves focus.
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

async function boot() {
  const token = getToken();
  if (token) {
    try {
      const s = await api('/session', { token, signingIn: true });
      signedIn(token, s);
    } catch (error) {
      const status = /** @type {{ status?: number }} */ (error).status;
      // Only a refused token is forgotten: when the console is unreachable, a reload retries it.
      if (status === 401) clearToken();
      renderWho();
      returnTo = location.hash && !location.hash.startsWith('#/signin') ? location.hash : '#/fleet';
      showSignIn(status === 401 ? 'Your token was refused or has expired: paste a new one.' : `Could not reach the console API (${/** @type {Error} */ (error).message}): reload to try again, or sign in.`);
      return;
    }
  }
  if (!location.hash || location.hash === '#' || location.hash === '#/') location.replace('#/fleet');
  route();
}

void boot();
