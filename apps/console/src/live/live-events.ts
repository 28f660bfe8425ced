/** What the browser's live feed gets for a twin event (`event: twin`). */
export interface LiveTwinEvent {
  readonly assetId: string;
  readonly type: string;
  readonly occurredAt: string | null;
  readonly version: number | null;
  /** Every event but ReadingsApplied: the event's data. */
  readonly data?: Record<string, unknown>;
  /** ReadingsApplied: the readings' times and metrics. */
  readonly readings?: Array<{ ts: string; metrics: Record<string, number> }>;
}

/** What the browser's live feed gets for a work-order event (`event: workorder`). */
export interface LiveWorkOrderEvent {
  readonly assetId: string;
  readonly workOrderId: string | null;
  readonly type: string;
  readonly occurredAt: string | null;
  readonly data: Record<string, unknown>;
}

export type LiveFrame = { readonly event: 'twin'; readonly data: LiveTwinEvent } | { readonly event: 'workorder'; readonly data: LiveWorkOrderEvent };

const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The live-feed frame of a published event (envelope publishedEventV1) on `subject`, or null for
 * what the feed does not carry. `twinPrefix`/`maintenancePrefix`: the subjects' heads with the
 * NATS prefix, e.g. `twin.` and `maintenance.workorder.`.
 */
export function liveFrameOf(subject: string, envelope: unknown, prefixes: { twin: string; maintenance: string }): LiveFrame | null {
  const e = record(envelope);
  const type = text(e.type);
  if (type === null) return null;
  const data = record(e.data);
  const occurredAt = text(e.occurredAt);
  if (subject.startsWith(prefixes.twin)) {
    const assetId = text(e.assetId) ?? subject.slice(prefixes.twin.length).split('.')[0] ?? '';
    const version = typeof e.streamVersion === 'number' ? e.streamVersion : null;
    if (type === 'ReadingsApplied') {
      const readings = (Array.isArray(data.readings) ? data.readings : []).map((r) => {
        const reading = record(r);
        const metrics = Object.fromEntries(Object.entries(record(reading.metrics)).filter((m): m is [string, number] => typeof m[1] === 'number'));
        return { ts: text(reading.ts) ?? '', metrics };
      });
      return { event: 'twin', data: { assetId, type, occurredAt, version, readings } };
    }
    return { event: 'twin', data: { assetId, type, occurredAt, version, data } };
  }
  if (subject.startsWith(prefixes.maintenance)) {
    const assetId = text(e.assetId) ?? subject.slice(prefixes.maintenance.length).split('.')[0] ?? '';
    return { event: 'workorder', data: { assetId, workOrderId: text(data.workOrderId), type, occurredAt, data } };
  }
  return null;
}

/** A server-sent event: `event:` line and the JSON on one `data:` line (JSON has no raw newlines). */
export function sseFrame(frame: LiveFrame): string {
  return `event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`;
}
