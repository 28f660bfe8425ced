import type { MaintenanceCompletedData, PublishedEvent } from '@twinline/contracts';

const T0 = Date.parse('2024-01-01T00:00:00Z');
/** Minutes after 2024-01-01T00:00:00Z, ISO. */
export const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

/** The scheduler's MaintenanceCompleted as published on maintenance.workorder.<assetId>.MaintenanceCompleted. */
export function completedEvent(eventId: string, over: Partial<MaintenanceCompletedData> = {}): PublishedEvent {
  const data: MaintenanceCompletedData = {
    workOrderId: 'WO-1',
    assetId: 'P-101',
    type: 'corrective',
    cause: 'THRESHOLD_EXCEEDED',
    completedAt: at(60),
    failure: { mode: 'bearing wear', failedAt: at(10) },
    findings: 'replaced the drive-end bearing',
    resets: ['baseline', 'health-index'],
    ...over,
  };
  return {
    eventId,
    type: 'MaintenanceCompleted',
    schemaVersion: 1,
    occurredAt: data.completedAt,
    recordedAt: data.completedAt,
    assetId: data.assetId,
    streamId: `workorders-${data.assetId}`,
    streamVersion: 7,
    position: '42',
    correlationId: `C-${eventId}`,
    causationId: 'cmd-complete',
    data: data as unknown as Record<string, unknown>,
    metadata: { correlationId: `C-${eventId}`, causationId: 'cmd-complete', actor: 'user:crew-lead' },
  };
}

