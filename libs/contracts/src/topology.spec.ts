import { assetIdFromSubject, topology } from './topology';

describe('topology', () => {
  it('names production streams, the asset bucket and subjects without a prefix', () => {
    const t = topology();
    expect(t.streams).toEqual({ telemetry: 'TELEMETRY', twin: 'TWIN', maintenance: 'MAINTENANCE', deadletter: 'DEADLETTER' });
    expect(t.buckets).toEqual({ assets: 'ASSETS' });
    expect(t.twinEvent('P-101', 'AlarmRaised')).toBe('twin.P-101.AlarmRaised');
    expect(t.maintenanceEvent('P-101', 'WorkOrderOpened')).toBe('maintenance.workorder.P-101.WorkOrderOpened');
  });

  it('derives every stream and bucket name from the prefix, upper case with "-" as "_"', () => {
    const t = topology('it-run_1');
    expect(Object.values(t.streams)).toEqual(['IT_RUN_1_TELEMETRY', 'IT_RUN_1_TWIN', 'IT_RUN_1_MAINTENANCE', 'IT_RUN_1_DEADLETTER']);
    expect(t.buckets.assets).toBe('IT_RUN_1_ASSETS');
    // A valid JetStream bucket name: letters, digits, "_" and "-" only.
    expect(t.buckets.assets).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(t.rawTelemetry('P-101')).toBe('it-run_1.telemetry.raw.P-101');
    expect(assetIdFromSubject(t.twinEvent('P-101', 'AlarmRaised'), t.prefix)).toBe('P-101');
  });

  it('rejects a prefix that could not name a stream or a bucket', () => {
    expect(() => topology('a.b')).toThrow(/NATS prefix "a.b" must contain only letters, digits/);
  });
});
