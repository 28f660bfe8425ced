// The console's only way to the platform: /api on the console (the BFF), with the bearer token.

const TOKEN_KEY = 'twinline.console.token';

/** @typedef {{ sub: string, roles: string[], expiresAt?: string | number | null }} Session */

/** An API failure: the problem details the BFF passed through. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ title?: string, detail?: string, code?: string, errors?: Array<{ field?: string, message?: string }> } | null} problem
   */
  constructor(status, problem) {
    const errors = problem?.errors?.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
    super(problem?.detail || errors || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.code = problem?.code ?? null;
  }
}

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** @param {string} token */
export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** @type {(message: string) => void} */
let onUnauthorized = () => undefined;

/** Called when any /api answer is 401: the app goes back to sign-in. @param {(message: string) => void} handler */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/**
 * Call the BFF. Query values that are empty are left out; a body is sent as JSON.
 * @param {string} path under /api, e.g. "/fleet"
 * @param {{ method?: string, query?: Record<string, string | number | null | undefined>, body?: unknown, signal?: AbortSignal, token?: string, signingIn?: boolean }} [opts]
 * @returns {Promise<any>}
 */
export async function api(path, opts = {}) {
  const url = new URL(`/api${path}`, location.origin);
  for (const [key, value] of Object.entries(opts.query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  const token = opts.token ?? getToken();
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
    cache: 'no-store',
  });
  const text = await res.text();
  /** @type {any} */
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text.slice(0, 300) };
    }
  }
  if (!res.ok) {
    const error = new ApiError(res.status, data);
    if (res.status === 401 && !opts.signingIn) onUnauthorized(error.message || 'Your session has ended: sign in again.');
    throw error;
  }
  return data;
}

/** @type {Session | null} */
let current = null;

/** @returns {Session | null} */
export function session() {
  return current;
}

/** @param {Session | null} value */
export function setSession(value) {
  current = value;
}

/** @param {...string} roles */
export function hasAnyRole(...roles) {
  return !!current && current.roles.some((r) => r === 'admin' || roles.includes(r));
}

/** Operators (and admins) acknowledge alarms. */
export const canAcknowledge = () => hasAnyRole('operator');
/** Planners (and admins) move work orders. */
export const canPlan = () => hasAnyRole('planner');
/** Auditors (and admins) verify the hash chain from the console. */
export const canAudit = () => hasAnyRole('auditor');
