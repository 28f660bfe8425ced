// One EventSource to /api/live for the whole console; views subscribe to `twin` and `workorder`.
import { api } from './api.js';

/** @typedef {'off' | 'connecting' | 'live' | 'retrying'} LiveState */

/** @type {EventSource | null} */
let source = null;
/** @type {string | null} */
let token = null;
/** @type {LiveState} */
let state = 'off';
/** @type {ReturnType<typeof setTimeout> | undefined} */
let retryTimer;
/** @type {Map<string, Set<(data: any) => void>>} */
const handlers = new Map([
  ['twin', new Set()],
  ['workorder', new Set()],
]);
/** @type {Set<(state: LiveState) => void>} */
const stateListeners = new Set();

/** @param {LiveState} next */
function setState(next) {
  state = next;
  for (const fn of stateListeners) fn(state);
}

/** @param {string} type @param {MessageEvent} event */
function dispatch(type, event) {
  /** @type {unknown} */
  let data;
  try {
    data = JSON.parse(event.data);
  } catch {
    return;
  }
  for (const fn of handlers.get(type) ?? []) {
    try {
      fn(data);
    } catch (error) {
      console.error('live handler failed', error);
    }
  }
}

function connect() {
  if (!token) return;
  setState('connecting');
  const es = new EventSource(`/api/live?token=${encodeURIComponent(token)}`);
  source = es;
  es.addEventListener('open', () => setState('live'));
  es.addEventListener('twin', (e) => dispatch('twin', /** @type {MessageEvent} */ (e)));
  es.addEventListener('workorder', (e) => dispatch('workorder', /** @type {MessageEvent} */ (e)));
  // The console ends the stream when the token expires: the session check signs out (401).
  es.addEventListener('expired', () => {
    es.close();
    if (source !== es) return;
    source = null;
    setState('off');
    api('/session').then(
      () => {
        if (token) retryTimer = setTimeout(connect, 1000);
      },
      () => undefined,
    );
  });
  es.addEventListener('error', () => {
    if (source !== es) return;
    if (es.readyState === EventSource.CLOSED) {
      // Refused (401, or the console restarted): check the session (a 401 signs out), then retry.
      source = null;
      setState('retrying');
      api('/session').then(
        () => {
          retryTimer = setTimeout(connect, 3000);
        },
        () => {
          if (token) retryTimer = setTimeout(connect, 5000);
        },
      );
    } else {
      setState('retrying');
    }
  });
}

/** Open the stream for this token (once). @param {string} value */
export function startLive(value) {
  if (token === value && source) return;
  stopLive();
  token = value;
  connect();
}

export function stopLive() {
  token = null;
  clearTimeout(retryTimer);
  source?.close();
  source = null;
  setState('off');
}

/**
 * Subscribe to an event type; returns the unsubscribe function.
 * @param {'twin' | 'workorder'} type
 * @param {(data: any) => void} fn
 */
export function onLive(type, fn) {
  handlers.get(type)?.add(fn);
  return () => {
    handlers.get(type)?.delete(fn);
  };
}

/** @param {(state: LiveState) => void} fn */
export function onLiveState(fn) {
  stateListeners.add(fn);
  fn(state);
  return () => {
    stateListeners.delete(fn);
  };
}
