import { liveFrameOf, sseFrame } from './live-events';

const prefixes = { twin: 'pfx.twin.', maintenance: 'pfx.maintenance.workorder.' };
const envelope = (type: string, data: Record<string, unknown>) => ({ eventId: 'e1', type, schemaVersion: 1, occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:01.000Z', assetId: 'P-101', streamId: 'asset-P-101', streamVersion: 7, position: '9', data });

describe('the live feed frames', () => {
  it('given a twin event, then event twin with its data', () => {
    expect(liveFrameOf('pfx.twin.P-101.AlarmRaised', envelope('AlarmRaised', { alarmId: 'a1', severity: 'HIGH' }), prefixes)).toEqual({
      event: 'twin',
      data: { assetId: 'P-101', type: 'AlarmRaised', occurredAt: '2026-01-01T00:00:00.000Z', version: 7, data: { alarmId: 'a1', severity: 'HIGH' } },
    });
  });

  it('given ReadingsApplied, then only the readings\' times and numeric metrics', () => {
    const frame = liveFrameOf('pfx.twin.P-101.ReadingsApplied', envelope('ReadingsApplied', { readings: [{ readingId: 'r', deviceId: 'd', seq: 1, ts: '2026-01-01T00:00:00.000Z', metrics: { temperatureC: 81, x: 'y' } }] }), prefixes);
    expect(frame).toEqual({ event: 'twin', data: { assetId: 'P-101', type: 'ReadingsApplied', occurredAt: '2026-01-01T00:00:00.000Z', version: 7, readings: [{ ts: '2026-01-01T00:00:00.000Z', metrics: { temperatureC: 81 } }] } });
  });

  it('given a work-order event, then event workorder with the work order id', () => {
    expect(liveFrameOf('pfx.maintenance.workorder.P-101.WorkOrderApproved', envelope('WorkOrderApproved', { workOrderId: 'w1', by: 'user:bob' }), prefixes)).toEqual({
      event: 'workorder',
      data: { assetId: 'P-101', workOrderId: 'w1', type: 'WorkOrderApproved', occurredAt: '2026-01-01T00:00:00.000Z', data: { workOrderId: 'w1', by: 'user:bob' } },
    });
  });

  it('given something else, then no frame', () => {
    expect(liveFrameOf('pfx.telemetry.raw.P-101', envelope('X', {}), prefixes)).toBeNull();
    expect(liveFrameOf('pfx.twin.P-101.X', 'not an object', prefixes)).toBeNull();
  });

  it('given a frame, then one SSE event with the JSON on one data line', () => {
    const text = sseFrame({ event: 'workorder', data: { assetId: 'A', workOrderId: null, type: 'T', occurredAt: null, data: { note: 'two\nlines' } } });
    expect(text).toBe('event: workorder\ndata: {"assetId":"A","workOrderId":null,"type":"T","occurredAt":null,"data":{"note":"two\\nlines"}}\n\n');
  });
});
