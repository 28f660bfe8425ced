import type { z } from 'zod';
import { readingSchema, type QuarantinedItem, type RawItem, type Reading, type TrustedReading, type Violation } from '@twinline/contracts';
import type { IntegrityRule, IntegrityRules } from './integrity.rules';
import type { IntegrityState } from './integrity.state';

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

const UNITS: Readonly<Record<string, string>> = { temperatureC: ' °C', pressurePsi: ' psi', vibrationMmS: ' mm/s' };

function violation(rule: IntegrityRule, field: string, message: string, value?: unknown): Violation {
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

/** Violations of one reading's metrics: non-finite values, suspected tampering, implausible ranges. */
function metricViolations(metrics: Reading['metrics'], rules: IntegrityRules): Violation[] {
  const found: Violation[] = [];
  for (const [metric, raw] of Object.entries(metrics)) {
    const path = `metrics.${metric}`;
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      found.push(violation('finite', path, `${path} is ${String(raw)}: a reading must carry finite numbers (a faulty or disconnected sensor?)`, String(raw)));
      continue;
    }
    const unit = UNITS[metric] ?? '';
    if (metric === 'temperatureC' && raw > rules.tampering.temperatureCMax) {
      found.push(violation('tampering', path, `sensor tampering suspected: ${metric} ${raw} > ${rules.tampering.temperatureCMax}${unit}`, raw));
      continue;
    }
    if (metric === 'pressurePsi' && raw < rules.tampering.pressurePsiMin) {
      found.push(violation('tampering', path, `sensor tampering suspected: ${metric} ${raw} < ${rules.tampering.pressurePsiMin}${unit}`, raw));
      continue;
    }
    const range = rules.ranges[metric];
    if (range && (raw < range.min || raw > range.max)) {
      found.push(violation('range', path, `${metric} ${raw}${unit} is outside the physically possible range ${range.min}..${range.max}${unit}`, raw));
    }
  }
  return found;
}

/**
 * Judges a batch of received items in order. Each item is accepted as a trusted reading or
 * quarantined with every reason found (a JSON or schema failure stops the checks: nothing else can be
 * read reliably); nothing is dropped. Rules: 'json', 'schema', 'asset', 'finite', 'tampering',
 * 'range', 'sequence' (seq at or below the device's last accepted seq: a duplicate or a replay,
 * including a repeat inside this batch). Only accepted readings advance a device's last seq.
 */
export function assessBatch(input: AssessInput, state: IntegrityState, rules: IntegrityRules): Assessment {
  const devices: IntegrityState['devices'] = { ...state.devices };
  return { ...assessInto(input, devices, rules), state: { devices } };
}

/**
 * Judges many messages (each with its own subject asset) in order against one state: the same
 * rules as assessBatch, with one copy of the device state for the whole batch instead of one per
 * message (a batch of many one-reading messages would otherwise copy it per reading).
 */
export function assessMessages(inputs: readonly AssessInput[], state: IntegrityState, rules: IntegrityRules): { results: Array<Omit<Assessment, 'state'>>; state: IntegrityState } {
  const devices: IntegrityState['devices'] = { ...state.devices };
  const results = inputs.map((input) => assessInto(input, devices, rules));
  return { results, state: { devices } };
}

/** Judges one message's items, advancing `devices` (owned by the caller) in place. */
function assessInto(input: AssessInput, devices: IntegrityState['devices'], rules: IntegrityRules): Omit<Assessment, 'state'> {
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
    const reasons: Violation[] = [];
    if (reading.assetId !== input.subjectAssetId) {
      reasons.push(violation('asset', 'assetId', `reading is for asset ${reading.assetId} but was sent for asset ${input.subjectAssetId}: a device may only write its own asset`, reading.assetId));
    }
    reasons.push(...metricViolations(reading.metrics, rules));
    const lastSeq = devices[reading.deviceId]?.lastSeq;
    if (lastSeq !== undefined && reading.seq <= lastSeq) {
      reasons.push(
        violation(
          'sequence',
          'seq',
          `seq ${reading.seq} of device ${reading.deviceId} is not above its last accepted seq ${lastSeq}: ${reading.seq === lastSeq ? 'a duplicate' : 'a replay or an out-of-order reading'}`,
          reading.seq,
        ),
      );
    }
    if (reasons.length) {
      quarantine(item, reasons);
      continue;
    }
    devices[reading.deviceId] = { lastSeq: reading.seq };
    const metrics: Record<string, number> = {};
    for (const [metric, value] of Object.entries(reading.metrics)) if (typeof value === 'number') metrics[metric] = value;
    accepted.push({
      readingId: item.readingId,
      deviceId: reading.deviceId,
      assetId: reading.assetId,
      seq: reading.seq,
      ts: reading.ts,
      receivedAt: item.receivedAt,
      metrics,
    });
  }
  return { accepted, quarantined };
}
