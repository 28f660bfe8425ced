import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header every signed webhook request carries: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Twinline-Signature';
/** How far a signature's `t` may be from the receiver's clock: five minutes, against replays. */
export const WEBHOOK_SIGNATURE_TOLERANCE_SECONDS = 300;
/** The shortest webhook secret the notification service accepts (NOTIFY_WEBHOOK_SECRET). */
export const WEBHOOK_SECRET_MIN_LENGTH = 32;

const unixSeconds = (t: number | Date): number => (typeof t === 'number' ? t : Math.floor(t.getTime() / 1000));

/** Lowercase hex of HMAC-SHA256(secret, `<t>.<raw body>`): what `v1=` holds. */
export function webhookSignatureDigest(body: string, secret: string, t: number): string {
  return createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
}

/**
 * The X-Twinline-Signature value of a webhook body sent at `t` (unix seconds, or a Date):
 * `t=1700000000,v1=5257a869…` — v1 is HMAC-SHA256(secret, "1700000000." + raw body) in lowercase hex.
 */
export function webhookSignature(body: string, secret: string, t: number | Date): string {
  const seconds = unixSeconds(t);
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`t must be unix seconds (an integer >= 0), got ${String(t)}`);
  return `t=${seconds},v1=${webhookSignatureDigest(body, secret, seconds)}`;
}

export type WebhookSignatureCheck =
  | { readonly ok: true; readonly t: number }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'expired' | 'mismatch'; readonly detail: string };

/**
 * Checks an X-Twinline-Signature header against the raw body as received (the bytes, not re-encoded
 * JSON) and the shared secret. Valid when a `v1` equals HMAC-SHA256(secret, "<t>.<body>") (compared in
 * constant time; several `v1=` are allowed, e.g. while a secret is rotated) and `t` is within
 * `toleranceSeconds` of `now` (unix seconds, or a Date) either way, so a captured request cannot be
 * replayed later.
 */
export function verifyWebhookSignature(
  header: string | undefined | null,
  body: string,
  secret: string,
  now: number | Date,
  toleranceSeconds: number = WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
): WebhookSignatureCheck {
  if (header === undefined || header === null || header.trim() === '') return { ok: false, reason: 'missing', detail: `no ${WEBHOOK_SIGNATURE_HEADER} header` };
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ok: false, reason: 'malformed', detail: `"${part.trim()}" is not key=value` };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (t !== undefined || !/^\d{1,15}$/.test(value)) return { ok: false, reason: 'malformed', detail: 't must appear once, as unix seconds' };
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, reason: 'malformed', detail: 'v1 must be 64 lowercase hex digits' };
      v1.push(value);
    }
    // Other keys (a later scheme, v2=…) are ignored, so receivers keep working when one is added.
  }
  if (t === undefined) return { ok: false, reason: 'malformed', detail: 'no t=<unix seconds>' };
  if (v1.length === 0) return { ok: false, reason: 'malformed', detail: 'no v1=<signature>' };
  const skew = Math.abs(unixSeconds(now) - t);
  if (!(skew <= toleranceSeconds)) return { ok: false, reason: 'expired', detail: `t is ${skew} s from now, more than the ${toleranceSeconds} s tolerated` };
  const expected = Buffer.from(webhookSignatureDigest(body, secret, t), 'hex');
  const matches = v1.some((candidate) => timingSafeEqual(expected, Buffer.from(candidate, 'hex')));
  return matches ? { ok: true, t } : { ok: false, reason: 'mismatch', detail: 'no v1 matches HMAC-SHA256(secret, "<t>.<body>")' };
}
