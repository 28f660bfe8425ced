import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  canonicalReading,
  readingSchema,
  signatureMatches,
  type IntegrityRuleName,
  type QuarantinedItem,
  type RawItem,
  type Reading,
  type TrustedReading,
  type Violation,
} from '@twinline/contracts';
import type { RegistryView } from './integrity.registry';
import { quantityOf, type AssetRules, type MetricRule } from './integrity.rules';
import type { DeviceIntegrity, IntegrityState, MetricTrack } from './integrity.state';

export interface AssessInput {
  /** The asset the batch was sent for (the subject token): every reading must be of this asset. */
  readonly subjectAssetId: string;
  readonly items: readonly RawItem[];
}

export interface Assessment {
  readonly accepted: TrustedReading[];
  readonly quarantined: QuarantinedItem[];
  readonly state: IntegrityState;
}

function violation(rule: IntegrityRuleName, field: string, message: string, value?: unknown): Violation {
  return value === undefined ? { rule, field, message } : { rule, field, message, value };
}

function valueAt(payload: unknown, path: readonly PropertyKey[]): unknown {
  let current = payload;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * A record's own entry: ids come from the payload, and `registry.devices["toString"]` would
 * otherwise find Object.prototype's function (a device "registered" with no secret).
 */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function field<T>(payload: unknown, key: string, is: (v: unknown) => v is T): T | null {
  const value = valueAt(payload, [key]);
  return is(value) ? value : null;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A record key's own rule says more than zod's generic "Invalid key in record". */
function schemaMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') {
    const key = issue.path[issue.path.length - 1];
    return `invalid name ${JSON.stringify(String(key))}: ${issue.issues.map((i) => i.message).join('; ')}`;
  }
  return issue.message;
}

const fmt = (n: number) => String(Math.round(n * 1e6) / 1e6);
const withUnit = (value: number, rule: MetricRule | undefined) => `${fmt(value)}${rule?.unit ? ` ${rule.unit}` : ''}`;

/** Who sent the reading, as far as the registry and the signature can tell. */
function securityViolations(reading: Reading, subjectAssetId: string, registry: RegistryView): Violation[] {
  const found: Violation[] = [];
  if (reading.assetId !== subjectAssetId) {
    found.push(violation('asset', 'assetId', `reading is for asset ${reading.assetId} but was sent for asset ${subjectAssetId}: a device may only write its own asset`, reading.assetId));
  }
  const asset = own(registry.assets, reading.assetId);
  const device = own(registry.devices, reading.deviceId);
  if (device && !device.enabled) {
    found.push(violation('device', 'deviceId', `device ${reading.deviceId} is disabled: its readings are not trusted`, reading.deviceId));
  }
  if (device && device.assetId !== reading.assetId) {
    found.push(violation('asset', 'assetId', `device ${reading.deviceId} is bound to asset ${device.assetId} and may not write asset ${reading.assetId}`, reading.assetId));
  }
  if (reading.signature === undefined) {
    if (asset?.acceptUnsigned) return found;
    found.push(
      violation(
        'signature',
        'signature',
        asset
          ? `reading is unsigned: asset ${reading.assetId} accepts only readings signed with HMAC-SHA256 by a registered device`
          : `reading is unsigned and asset ${reading.assetId} is not registered`,
      ),
    );
    return found;
  }
  if (!device) {
    found.push(violation('device', 'deviceId', `device ${reading.deviceId} is not registered: readings of unknown devices are not trusted`, reading.deviceId));
    return found;
  }
  if (!signatureMatches(reading, reading.signature, device.secret)) {
    found.push(violation('signature', 'signature', `signature does not match the reading as signed with the secret of device ${reading.deviceId}: forged or altered in transit`, reading.signature.slice(0, 16)));
  }
  if (!asset) found.push(violation('asset', 'assetId', `asset ${reading.assetId} is not registered`, reading.assetId));
  return found;
}

function digestOf(reading: Reading): string {
  return reading.signature ?? createHash('sha256').update(canonicalReading(reading)).digest('hex');
}

/** The sequence rules: seq strictly increases per device; the same reading again is a duplicate. */
function sequenceViolation(reading: Reading, device: DeviceIntegrity | undefined, digest: string): Violation | null {
  if (device === undefined || reading.seq > device.lastSeq) return null;
  if (reading.seq === device.lastSeq && digest === device.lastDigest) {
    return violation('duplicate', 'seq', `reading seq ${reading.seq} of device ${reading.deviceId} was received before: a duplicate`, reading.seq);
  }
  return violation(
    'replay',
    'seq',
    `seq ${reading.seq} of device ${reading.deviceId} is not above its last seq ${device.lastSeq}: a replayed (or re-sequenced) reading`,
    reading.seq,
  );
}

/** The accepted time window around receipt, and source-time order per device. */
function timeViolations(reading: Reading, tsMs: number, receivedMs: number, rules: AssetRules, device: DeviceIntegrity | undefined): Violation[] {
  const found: Violation[] = [];
  const aheadS = (tsMs - receivedMs) / 1000;
  if (aheadS > rules.maxFutureSeconds) {
    found.push(violation('timestamp', 'ts', `ts ${reading.ts} is ${fmt(aheadS)} s after receipt, beyond the accepted ${rules.maxFutureSeconds} s: a wrong clock or a manipulated time`, reading.ts));
  } else if (-aheadS > rules.maxPastSeconds) {
    found.push(violation('timestamp', 'ts', `ts ${reading.ts} is ${fmt(-aheadS)} s before receipt, older than the accepted ${rules.maxPastSeconds} s`, reading.ts));
  }
  if (device?.lastTsMs != null && tsMs < device.lastTsMs) {
    found.push(
      violation('order', 'ts', `ts ${reading.ts} is before ${new Date(device.lastTsMs).toISOString()}, the time of an earlier reading of device ${reading.deviceId} (seq increased, time went back)`, reading.ts),
    );
  }
  return found;
}

/** Rules on the values alone: known metric and unit, finite, physically possible. */
function valueViolations(metrics: Reading['metrics'], rules: AssetRules, assetLabel: string): Violation[] {
  const found: Violation[] = [];
  for (const [metric, raw] of Object.entries(metrics)) {
    const path = `metrics.${metric}`;
    const rule = own(rules.metrics, metric);
    if (!rule) {
      const quantity = quantityOf(metric);
      const same = Object.keys(rules.metrics).filter((m) => quantityOf(m) === quantity);
      found.push(
        violation(
          'unit',
          path,
          same.length
            ? `${metric}: that unit of ${quantity} is not accepted for ${assetLabel}; convert at the device and send ${same.join(' or ')}`
            : `${metric} is not a metric of ${assetLabel} (accepted: ${Object.keys(rules.metrics).join(', ')})`,
          typeof raw === 'number' ? raw : String(raw),
        ),
      );
      continue;
    }
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      found.push(violation('finite', path, `${path} is ${String(raw)}: a reading must carry finite numbers (a faulty or disconnected sensor?)`, String(raw)));
      continue;
    }
    if (raw < rule.min || raw > rule.max) {
      found.push(
        violation('range', path, `${metric} ${withUnit(raw, rule)} is outside the physically possible range ${fmt(rule.min)}..${withUnit(rule.max, rule)}: sensor tampering or failure suspected`, raw),
      );
    }
  }
  return found;
}

/** The rate and stuck rules of one metric, against (and advancing) its track. */
function trackMetric(
  metric: string,
  value: number,
  tsMs: number,
  rule: MetricRule,
  track: MetricTrack | undefined,
  previousTsMs: number | null,
): { violations: Violation[]; run: Pick<MetricTrack, 'runValue' | 'runCount' | 'runSinceMs'>; rateRefused: boolean } {
  const found: Violation[] = [];
  const run =
    track && track.runValue === value ? { runValue: value, runCount: track.runCount + 1, runSinceMs: track.runSinceMs } : { runValue: value, runCount: 1, runSinceMs: tsMs };
  const path = `metrics.${metric}`;
  if (rule.stuckAfterRepeats !== undefined && run.runCount >= rule.stuckAfterRepeats) {
    found.push(violation('stuck', path, `${metric} has been ${withUnit(value, rule)} for ${run.runCount} readings in a row (limit ${rule.stuckAfterRepeats}): a stuck sensor`, value));
  } else if (rule.stuckAfterSeconds !== undefined && run.runCount >= 3 && (tsMs - run.runSinceMs) / 1000 >= rule.stuckAfterSeconds) {
    found.push(
      violation('stuck', path, `${metric} has been ${withUnit(value, rule)} for ${fmt((tsMs - run.runSinceMs) / 1000)} s (${run.runCount} readings; limit ${rule.stuckAfterSeconds} s): a stuck sensor`, value),
    );
  }
  let rateRefused = false;
  if (rule.maxStepPerSecond !== undefined && track) {
    const allowed = (base: { value: number; atMs: number }) => rule.maxStepPerSecond! * Math.max(1, (tsMs - base.atMs) / 1000);
    const step = Math.abs(value - track.value);
    // A value the device's previous reading already moved to is a real change of level, not a spike.
    const pending = track.pending;
    const confirmed = pending !== undefined && pending.atMs === previousTsMs && Math.abs(value - pending.value) <= allowed(pending);
    if (step > allowed(track) && !confirmed) {
      rateRefused = true;
      const seconds = Math.max(1, (tsMs - track.atMs) / 1000);
      found.push(
        violation(
          'rate',
          path,
          `${metric} moved from ${withUnit(track.value, rule)} to ${withUnit(value, rule)} in ${fmt(seconds)} s: ${fmt(step / seconds)} per s, beyond the ${fmt(rule.maxStepPerSecond)} per s the process can make`,
          value,
        ),
      );
    }
  }
  return { violations: found, run, rateRefused };
}

/**
 * Judges a batch of received items in order. Each item is accepted as a trusted reading or
 * quarantined with every reason found; nothing is dropped. A JSON or schema failure stops the
 * checks (nothing else can be read reliably). Then, in order:
 * - security: the asset matches the channel, the device is registered, enabled and bound to the
 *   asset, the signature matches (unsigned only where the asset accepts it): 'asset', 'device', 'signature';
 * - sequence (authentic readings only): seq above the device's last seq, else 'duplicate' (the same
 *   reading again) or 'replay';
 * - time: within the asset's window around receipt ('timestamp') and not before the device's last
 *   reading ('order');
 * - values: known metric in an accepted unit ('unit'), finite ('finite'), possible ('range'),
 *   no impossible jump ('rate'), not frozen ('stuck').
 * State moves only on authentic readings: their seq advances the device even when their values are
 * quarantined (seq strictly increases per device), and the stuck rule sees every authentic value.
 */
export function assessBatch(input: AssessInput, state: IntegrityState, registry: RegistryView): Assessment {
  const devices: IntegrityState['devices'] = { ...state.devices };
  return { ...assessInto(input, devices, registry), state: { devices } };
}

/**
 * Judges many messages (each with its own subject asset) in order against one state: the same
 * rules as assessBatch, with one copy of the device state for the whole batch instead of one per
 * message (a batch of many one-reading messages would otherwise copy it per reading).
 */
export function assessMessages(inputs: readonly AssessInput[], state: IntegrityState, registry: RegistryView): { results: Array<Omit<Assessment, 'state'>>; state: IntegrityState } {
  const devices: IntegrityState['devices'] = { ...state.devices };
  const results = inputs.map((input) => assessInto(input, devices, registry));
  return { results, state: { devices } };
}

/** Judges one message's items, advancing `devices` (owned by the caller) in place. */
function assessInto(input: AssessInput, devices: IntegrityState['devices'], registry: RegistryView): Omit<Assessment, 'state'> {
  const accepted: TrustedReading[] = [];
  const quarantined: QuarantinedItem[] = [];

  const quarantine = (item: RawItem, reasons: Violation[]) =>
    quarantined.push({
      readingId: item.readingId,
      receivedAt: item.receivedAt,
      deviceId: field(item.payload, 'deviceId', isString),
      seq: field(item.payload, 'seq', isFiniteNumber),
      ts: field(item.payload, 'ts', isString),
      payload: item.payload,
      reasons,
    });

  for (const item of input.items) {
    if (item.parseError !== undefined) {
      quarantine(item, [violation('json', '(root)', `payload is not valid JSON: ${item.parseError}`)]);
      continue;
    }
    const parsed = readingSchema.safeParse(item.payload);
    if (!parsed.success) {
      quarantine(
        item,
        parsed.error.issues.map((issue) => violation('schema', issue.path.length ? issue.path.map(String).join('.') : '(root)', schemaMessage(issue), valueAt(item.payload, issue.path))),
      );
      continue;
    }
    const reading = parsed.data;
    const reasons = securityViolations(reading, input.subjectAssetId, registry);
    const asset = own(registry.assets, reading.assetId);
    const authentic = reasons.length === 0 && asset !== undefined;
    const before = own(devices, reading.deviceId);
    let device = before;

    if (authentic) {
      const digest = digestOf(reading);
      const seqViolation = sequenceViolation(reading, before, digest);
      if (seqViolation) {
        reasons.push(seqViolation);
      } else {
        device = { lastSeq: reading.seq, lastDigest: digest, lastTsMs: before?.lastTsMs ?? null, metrics: before?.metrics ?? {} };
        devices[reading.deviceId] = device;
      }
    }
    if (!asset) {
      quarantine(item, reasons);
      continue;
    }
    const assetLabel = `asset ${reading.assetId} (${asset.assetClass})`;
    const tsMs = Date.parse(reading.ts);
    // Order is judged only for a reading that moved its device's seq on (a replay is old by nature).
    const timeReasons = timeViolations(reading, tsMs, Date.parse(item.receivedAt), asset.rules, device !== before ? before : undefined);
    reasons.push(...timeReasons, ...valueViolations(reading.metrics, asset.rules, assetLabel));

    // The stateful value rules, for authentic readings in time only.
    const tracked = authentic && device !== before && timeReasons.length === 0;
    let metrics: Record<string, MetricTrack> | null = null;
    const refusedByRate = new Set<string>();
    if (tracked) {
      metrics = { ...device!.metrics };
      for (const [metric, raw] of Object.entries(reading.metrics)) {
        const rule = own(asset.rules.metrics, metric);
        if (!rule || typeof raw !== 'number' || !Number.isFinite(raw) || raw < rule.min || raw > rule.max) continue;
        const track = metrics[metric];
        const outcome = trackMetric(metric, raw, tsMs, rule, track, before?.lastTsMs ?? null);
        reasons.push(...outcome.violations);
        if (outcome.rateRefused) refusedByRate.add(metric);
        metrics[metric] = { ...(track ?? { value: raw, atMs: tsMs }), ...outcome.run };
      }
    }

    if (reasons.length) {
      if (tracked) {
        // Authentic but quarantined: keep the run counts, remember what the rate rule refused.
        for (const metric of refusedByRate) metrics![metric] = { ...metrics![metric]!, pending: { value: reading.metrics[metric] as number, atMs: tsMs } };
        devices[reading.deviceId] = { ...device!, lastTsMs: Math.max(device!.lastTsMs ?? tsMs, tsMs), metrics: metrics! };
      }
      quarantine(item, reasons);
      continue;
    }
    // Accepted: every metric's value is now the base of its rate rule.
    const values: Record<string, number> = {};
    for (const [metric, value] of Object.entries(reading.metrics)) {
      values[metric] = value as number;
      if (metrics) {
        const { pending: _pending, ...track } = metrics[metric]!;
        metrics[metric] = { ...track, value: value as number, atMs: tsMs };
      }
    }
    if (authentic) devices[reading.deviceId] = { ...device!, lastTsMs: tsMs, metrics: metrics ?? device!.metrics };
    accepted.push({
      readingId: item.readingId,
      deviceId: reading.deviceId,
      assetId: reading.assetId,
      seq: reading.seq,
      ts: reading.ts,
      receivedAt: item.receivedAt,
      metrics: values,
    });
  }
  return { accepted, quarantined };
}
