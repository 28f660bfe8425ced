import { readingSchema, type FieldError, type ReleaseInfo, type TrustedReading } from '@twinline/contracts';

export type Releasability = { readonly ok: true; readonly reading: TrustedReading } | { readonly ok: false; readonly reason: string; readonly errors: readonly FieldError[] };

/**
 * Whether a quarantined reading can be released after review, and the trusted reading it then
 * becomes (carrying who released it): only a readable reading with finite numbers (a twin holds no
 * "NaN"), of the asset it was received for (a cross-asset write cannot be released).
 */
export function releasable(
  quarantined: { readonly readingId: string; readonly assetId: string; readonly receivedAt: string; readonly payload: unknown },
  release: ReleaseInfo,
): Releasability {
  const parsed = readingSchema.safeParse(quarantined.payload);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ field: i.path.length ? i.path.map(String).join('.') : '(root)', message: i.message }));
    return { ok: false, reason: `it is not a valid reading: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors };
  }
  const reading = parsed.data;
  const notFinite = Object.entries(reading.metrics).filter(([, v]) => typeof v !== 'number');
  if (notFinite.length) {
    return {
      ok: false,
      reason: `${notFinite.map(([m, v]) => `metrics.${m} is ${v}`).join(', ')} (a twin holds finite numbers only)`,
      errors: notFinite.map(([m]) => ({ field: `metrics.${m}`, message: 'must be a finite number to be released' })),
    };
  }
  if (reading.assetId !== quarantined.assetId) {
    return { ok: false, reason: `it names asset ${reading.assetId} but was received for ${quarantined.assetId}: a cross-asset write cannot be released`, errors: [{ field: 'assetId', message: `must be ${quarantined.assetId}` }] };
  }
  return {
    ok: true,
    reading: {
      readingId: quarantined.readingId,
      deviceId: reading.deviceId,
      assetId: reading.assetId,
      seq: reading.seq,
      ts: reading.ts,
      receivedAt: quarantined.receivedAt,
      metrics: reading.metrics as Record<string, number>,
      release,
    },
  };
}
