import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { specFor } from '@twinline/testing';
import type { RecordMaintenance } from './twin.commands';
import { decide } from './twin.decide';
import { twinDecider } from './twin.decider';
import { evolve } from './twin.evolve';
import { DEFAULT_PROFILES, type ThresholdProfile } from './twin.profiles';
import { initialTwinState, RECENT_IDS_KEPT, type TwinState } from './twin.state';

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const given = specFor(twinDecider);
const fold = (events: readonly TwinEvent[], from: TwinState = initialTwinState) => events.reduce(evolve, from);
const day = (d: number) => new Date(Date.UTC(2024, 0, d)).toISOString().replace('.000Z', 'Z');

const maintenance = (workOrderId: string, over: Partial<RecordMaintenance['data']> = {}): RecordMaintenance => ({
  type: 'RecordMaintenance',
  data: {
    assetId: 'P-101',
    workOrderId,
    type: 'corrective',
    cause: 'THRESHOLD_EXCEEDED',
    completedAt: day(10),
    failure: { mode: 'bearing wear', failedAt: day(9) },
    resets: ['baseline', 'health-index'],
    ...over,
  },
});

function history(...commands: Parameters<typeof decide>[0][]): TwinEvent[] {
  const events: TwinEvent[] = [];
  for (const command of commands) events.push(...decide(command, fold(events)));
  return events;
}

describe('RecordMaintenance (the scheduler completed a corrective or predictive work order)', () => {
  it('given a twin, when maintenance is completed, then MaintenanceCompleted records the order, the failure and what the repair resets', () => {
    const reading: TrustedReading = { readingId: 'R-1', deviceId: 'D-1', assetId: 'P-101', seq: 1, ts: day(1), receivedAt: day(1), metrics: { temperatureC: 50 } };
    const twin = decide({ type: 'ApplyReadings', data: { assetId: 'P-101', readings: [reading], profile: pump } }, initialTwinState);
    given(...twin)
      .when(maintenance('WO-1'))
      .then([
        {
          type: 'MaintenanceCompleted',
          data: { assetId: 'P-101', workOrderId: 'WO-1', type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: day(10), failure: { mode: 'bearing wear', failedAt: day(9) }, resets: ['baseline', 'health-index'] },
        },
      ]);
  });

  it('the twin shows the last maintenance, counts it, and starts its baseline and health index from the completion (maintainedSince)', () => {
    const state = fold(history(maintenance('WO-1')));
    expect(state).toMatchObject({
      assetId: 'P-101',
      lastMaintenance: { workOrderId: 'WO-1', type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: day(10), failure: { mode: 'bearing wear', failedAt: day(9) }, resets: ['baseline', 'health-index'] },
      maintenanceCount: 1,
      maintainedSince: day(10),
    });
    // Nothing else changes: status, alarms and readings are the readings' business.
    expect({ ...state, lastMaintenance: null, maintenanceCount: 0, maintainedSince: null, recentWorkOrders: initialTwinState.recentWorkOrders }).toEqual({ ...initialTwinState, assetId: 'P-101' });
  });

  describe('redelivery', () => {
    it('given a recorded work order, when the same completion is redelivered, then nothing happens', () => {
      given(...history(maintenance('WO-1'))).when(maintenance('WO-1')).then([]);
    });

    it('given a recorded work order, when it comes again with other data (sent again), then it is still recorded once', () => {
      given(...history(maintenance('WO-1'))).when(maintenance('WO-1', { completedAt: day(11), failure: null })).then([]);
    });

    it('records each of many work orders once, even long after (beyond the ids kept, by completion time)', () => {
      const orders = Array.from({ length: RECENT_IDS_KEPT + 5 }, (_, i) => maintenance(`WO-${i}`, { completedAt: day(1 + (i % 28)) }));
      const events = history(...orders, ...orders);
      expect(events).toHaveLength(orders.length);
      expect(fold(events).maintenanceCount).toBe(orders.length);
    });
  });

  it('a later completion moves lastMaintenance and maintainedSince; one recorded late (completed earlier) counts but moves neither', () => {
    const state = fold(history(maintenance('WO-2', { completedAt: day(20) }), maintenance('WO-1', { completedAt: day(10) })));
    expect(state).toMatchObject({ lastMaintenance: { workOrderId: 'WO-2', completedAt: day(20) }, maintenanceCount: 2, maintainedSince: day(20) });
  });

  it('a completion that resets nothing (e.g. a precautionary order) is recorded but does not move maintainedSince', () => {
    const state = fold(history(maintenance('WO-1', { completedAt: day(10) }), maintenance('WO-2', { completedAt: day(20), failure: null, resets: [] })));
    expect(state).toMatchObject({ lastMaintenance: { workOrderId: 'WO-2', failure: null, resets: [] }, maintenanceCount: 2, maintainedSince: day(10) });
    expect(fold(history(maintenance('WO-3', { resets: [] }))).maintainedSince).toBeNull();
  });

  it('records each reset once', () => {
    given()
      .when(maintenance('WO-1', { resets: ['baseline', 'baseline'] }))
      .then((events) => expect(events[0]?.data).toMatchObject({ resets: ['baseline'] }));
  });

  describe('refused', () => {
    it('names a time it cannot read (TWIN.INVALID_TIME)', () => {
      given().when(maintenance('WO-1', { completedAt: 'yesterday' })).thenThrows('TWIN.INVALID_TIME');
      expect(() => decide(maintenance('WO-1', { failure: { mode: 'seal', failedAt: 'x' } }), initialTwinState)).toThrow(expect.objectContaining({ errors: [{ field: 'failure.failedAt', message: '"x" is not an ISO 8601 date-time' }] }));
    });

    it('refuses an empty work order id (TWIN.INVALID_INPUT) and another asset (TWIN.ASSET_MISMATCH)', () => {
      given().when(maintenance(' ')).thenThrows('TWIN.INVALID_INPUT');
      given(...history(maintenance('WO-1'))).when(maintenance('WO-2', { assetId: 'C-201' })).thenThrows('TWIN.ASSET_MISMATCH');
    });
  });
});
