/**
 * JetStream streams and subjects. Every name is derived from one optional prefix so that a test
 * suite (or a second installation on a shared NATS) owns its streams and subjects outright.
 * Production uses the empty prefix: streams TELEMETRY, TWIN, MAINTENANCE, DEADLETTER, and the
 * key-value bucket ASSETS (kept by JetStream in the stream KV_ASSETS).
 */
export interface Topology {
  readonly prefix: string;
  readonly streams: {
    readonly telemetry: string;
    readonly twin: string;
    readonly maintenance: string;
    readonly deadletter: string;
  };
  /**
   * JetStream key-value buckets (JetStream keeps bucket B in the stream `KV_B`).
   * assets: integrity's asset directory, one key per asset id, the value its AssetDescription
   * {assetId, assetClass, site} as JSON (see service-kit asset-directory-kv.ts).
   */
  readonly buckets: {
    readonly assets: string;
  };
  /** Subject filters owned by each stream. */
  readonly streamSubjects: {
    readonly telemetry: string;
    readonly twin: string;
    readonly maintenance: string;
    readonly deadletter: string;
  };
  rawTelemetry(assetId: string): string;
  validatedTelemetry(assetId: string): string;
  quarantinedTelemetry(assetId: string): string;
  integrityViolation(assetId: string): string;
  twinEvent(assetId: string, type: string): string;
  maintenanceEvent(assetId: string, type: string): string;
  deadletter(consumer: string): string;
  /** Filter helpers for consumers. */
  readonly filters: {
    readonly rawTelemetry: string;
    readonly validatedTelemetry: string;
    readonly quarantinedTelemetry: string;
    twinEvents(type?: string): string;
    maintenanceEvents(type?: string): string;
  };
}

const PREFIX_PATTERN = /^[A-Za-z0-9_-]*$/;

export function topology(prefix = ''): Topology {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`NATS prefix "${prefix}" must contain only letters, digits, "-" and "_"`);
  }
  const s = prefix ? `${prefix}.` : '';
  const n = prefix ? `${prefix.toUpperCase().replace(/-/g, '_')}_` : '';
  return {
    prefix,
    streams: { telemetry: `${n}TELEMETRY`, twin: `${n}TWIN`, maintenance: `${n}MAINTENANCE`, deadletter: `${n}DEADLETTER` },
    // Bucket names allow [A-Za-z0-9_-], as stream names do here: the same derivation.
    buckets: { assets: `${n}ASSETS` },
    streamSubjects: {
      telemetry: `${s}telemetry.>`,
      twin: `${s}twin.>`,
      maintenance: `${s}maintenance.>`,
      deadletter: `${s}deadletter.>`,
    },
    rawTelemetry: (assetId) => `${s}telemetry.raw.${assetId}`,
    validatedTelemetry: (assetId) => `${s}telemetry.validated.${assetId}`,
    quarantinedTelemetry: (assetId) => `${s}telemetry.quarantined.${assetId}`,
    integrityViolation: (assetId) => `${s}telemetry.violation.${assetId}`,
    twinEvent: (assetId, type) => `${s}twin.${assetId}.${type}`,
    maintenanceEvent: (assetId, type) => `${s}maintenance.workorder.${assetId}.${type}`,
    deadletter: (consumer) => `${s}deadletter.${consumer}`,
    filters: {
      rawTelemetry: `${s}telemetry.raw.*`,
      validatedTelemetry: `${s}telemetry.validated.*`,
      quarantinedTelemetry: `${s}telemetry.quarantined.*`,
      twinEvents: (type) => `${s}twin.*.${type ?? '*'}`,
      maintenanceEvents: (type) => `${s}maintenance.workorder.*.${type ?? '*'}`,
    },
  };
}

/** The asset id is the subject token at this index (after the prefix tokens). */
export function assetIdFromSubject(subject: string, prefix: string): string | undefined {
  const tokens = subject.split('.');
  const offset = prefix ? prefix.split('.').length : 0;
  // telemetry.<kind>.<assetId> | twin.<assetId>.<type> | maintenance.workorder.<assetId>.<type>
  const head = tokens[offset];
  if (head === 'telemetry') return tokens[offset + 2];
  if (head === 'twin') return tokens[offset + 1];
  if (head === 'maintenance') return tokens[offset + 2];
  return undefined;
}
