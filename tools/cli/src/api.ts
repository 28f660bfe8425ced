/**
 * One call to a service's API with an access token (see `twinline token create`): the status and the
 * body, parsed as JSON when it is JSON (a problem document too), else the text.
 */
export async function requestJson<T>(method: 'GET' | 'POST' | 'PUT', url: string, token: string, o: { body?: unknown; timeoutMs?: number } = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(o.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, body: body as T };
}

/** GET that must succeed: the body, or an error naming the URL, status and answer. */
export async function getJson<T>(url: string, token: string, timeoutMs = 10_000): Promise<T> {
  const r = await requestJson<T>('GET', url, token, { timeoutMs });
  if (r.status < 200 || r.status > 299) throw new Error(`GET ${url} → ${r.status}: ${(typeof r.body === 'string' ? r.body : JSON.stringify(r.body)).slice(0, 1000)}`);
  return r.body;
}

export async function poll<T>(probe: () => Promise<T>, accept: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (accept(v)) return v;
      last = v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String((last as Error)?.message ?? JSON.stringify(last)).slice(0, 300)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
