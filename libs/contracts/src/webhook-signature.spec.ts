import { createHmac } from 'node:crypto';
import { verifyWebhookSignature, webhookSignature, WEBHOOK_SIGNATURE_TOLERANCE_SECONDS } from './webhook-signature';

const SECRET = 'whsec_0123456789abcdef0123456789abcdef';
const BODY = '{"deliveryId":"D-1","kind":"alarm.raised"}';
const T = 1_700_000_000;
// The worked example of the README, computed independently (also: printf '%s' "1700000000.$BODY" | openssl dgst -sha256 -hmac "$SECRET").
const EXAMPLE = 't=1700000000,v1=7f9d8f27a3a080a88bafc0f36ddadecbd2dc0d82001048ef0c6de79b847a740b';

describe('webhookSignature', () => {
  it('given a body, secret and time, then t=<seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>', () => {
    expect(webhookSignature(BODY, SECRET, T)).toBe(EXAMPLE);
    expect(webhookSignature(BODY, SECRET, T)).toBe(`t=${T},v1=${createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex')}`);
  });

  it('given a Date, then its unix seconds (milliseconds dropped)', () => {
    expect(webhookSignature(BODY, SECRET, new Date(T * 1000 + 999))).toBe(EXAMPLE);
  });

  it('given a time that is not unix seconds, then it refuses', () => {
    expect(() => webhookSignature(BODY, SECRET, 1.5)).toThrow(/unix seconds/);
    expect(() => webhookSignature(BODY, SECRET, -1)).toThrow(/unix seconds/);
  });
});

describe('verifyWebhookSignature', () => {
  it('given the signature of the body within the tolerance, then ok with its t', () => {
    expect(verifyWebhookSignature(EXAMPLE, BODY, SECRET, T)).toEqual({ ok: true, t: T });
    expect(verifyWebhookSignature(EXAMPLE, BODY, SECRET, T + WEBHOOK_SIGNATURE_TOLERANCE_SECONDS)).toEqual({ ok: true, t: T });
    expect(verifyWebhookSignature(EXAMPLE, BODY, SECRET, new Date((T - 300) * 1000))).toEqual({ ok: true, t: T });
  });

  it('given a signature older (or newer) than the 5-minute tolerance, then expired: a replay is refused', () => {
    expect(verifyWebhookSignature(EXAMPLE, BODY, SECRET, T + 301)).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyWebhookSignature(EXAMPLE, BODY, SECRET, T - 301)).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyWebhookSignature(EXAMPLE, BODY, SECRET, T + 30, 10)).toMatchObject({ ok: false, reason: 'expired', detail: 't is 30 s from now, more than the 10 s tolerated' });
  });

  it('given a changed body, another secret or a t changed after signing, then mismatch', () => {
    expect(verifyWebhookSignature(EXAMPLE, BODY.replace('D-1', 'D-2'), SECRET, T)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(EXAMPLE, ` ${BODY}`, SECRET, T)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(EXAMPLE, BODY, `${SECRET}x`, T)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(EXAMPLE.replace(`t=${T}`, `t=${T + 1}`), BODY, SECRET, T)).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('given several v1 (a secret being rotated), then ok when one matches; unknown schemes are ignored', () => {
    const other = webhookSignature(BODY, 'an-old-secret-an-old-secret-an-old', T).split(',')[1];
    expect(verifyWebhookSignature(`t=${T},${other},v2=whatever,${EXAMPLE.split(',')[1]}`, BODY, SECRET, T)).toEqual({ ok: true, t: T });
    expect(verifyWebhookSignature(`t=${T},${other}`, BODY, SECRET, T)).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['v1=abc', 'malformed'],
    [`t=${T}`, 'malformed'],
    [`t=soon,v1=${'a'.repeat(64)}`, 'malformed'],
    [`t=${T},t=${T},v1=${'a'.repeat(64)}`, 'malformed'],
    [`t=${T},v1=${'A'.repeat(64)}`, 'malformed'],
    [`t=${T},v1=${'a'.repeat(63)}`, 'malformed'],
    [`t=${T};v1=${'a'.repeat(64)}`, 'malformed'],
    ['garbage', 'malformed'],
  ] as const)('given the header %p, then %s', (header, reason) => {
    expect(verifyWebhookSignature(header, BODY, SECRET, T)).toMatchObject({ ok: false, reason });
  });
});
