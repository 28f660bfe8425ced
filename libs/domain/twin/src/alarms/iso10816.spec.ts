import { API_610_POR_LIMIT_MM_S, ISO_10816_3_BOUNDARIES, vibrationZone, zoneBoundaries, type MachineClass } from './iso10816';

describe('ISO 10816-3 vibration zones', () => {
  const classes: Array<[MachineClass, [number, number, number]]> = [
    [{ machineGroup: 1, foundation: 'rigid' }, [2.3, 4.5, 7.1]],
    [{ machineGroup: 1, foundation: 'flexible' }, [3.5, 7.1, 11.0]],
    [{ machineGroup: 2, foundation: 'rigid' }, [1.4, 2.8, 4.5]],
    [{ machineGroup: 2, foundation: 'flexible' }, [2.3, 4.5, 7.1]],
  ];

  it.each(classes)('holds the boundaries of group %j (A/B, B/C, C/D in mm/s RMS)', (machineClass, [ab, bc, cd]) => {
    expect(zoneBoundaries(machineClass)).toEqual({ ab, bc, cd });
    expect(ISO_10816_3_BOUNDARIES[machineClass.machineGroup][machineClass.foundation]).toEqual({ ab, bc, cd });
  });

  it.each(classes)('puts a value on a boundary in the upper zone, just below it in the lower one: %j', (machineClass, [ab, bc, cd]) => {
    const justBelow = (x: number) => x - 0.01;
    expect(vibrationZone(0, machineClass)).toBe('A');
    expect(vibrationZone(justBelow(ab), machineClass)).toBe('A');
    expect(vibrationZone(ab, machineClass)).toBe('B');
    expect(vibrationZone(justBelow(bc), machineClass)).toBe('B');
    expect(vibrationZone(bc, machineClass)).toBe('C');
    expect(vibrationZone(justBelow(cd), machineClass)).toBe('C');
    expect(vibrationZone(cd, machineClass)).toBe('D');
    expect(vibrationZone(cd * 10, machineClass)).toBe('D');
  });

  it('zones the source study P-101 vibrations for a group 2 rigid pump: B when operational, D in both alarm episodes', () => {
    const pump: MachineClass = { machineGroup: 2, foundation: 'rigid' };
    expect([2.1, 2.3, 2.5, 5.8, 6.2, 2.2, 2.0, 8.5, 9.1, 2.4].map((v) => vibrationZone(v, pump))).toEqual(['B', 'B', 'B', 'D', 'D', 'B', 'B', 'D', 'D', 'B']);
  });

  it('knows API 610’s 3.0 mm/s limit in the preferred operating region', () => {
    expect(API_610_POR_LIMIT_MM_S).toBe(3.0);
  });

  it('refuses a negative or non-finite velocity and an unknown class', () => {
    expect(() => vibrationZone(-1, { machineGroup: 1, foundation: 'rigid' })).toThrow(RangeError);
    expect(() => vibrationZone(Number.NaN, { machineGroup: 1, foundation: 'rigid' })).toThrow(RangeError);
    expect(() => vibrationZone(1, { machineGroup: 3 as 1, foundation: 'rigid' })).toThrow(/machine group must be 1 or 2/);
    expect(() => vibrationZone(1, { machineGroup: 1, foundation: 'soft' as 'rigid' })).toThrow(/foundation must be rigid or flexible/);
  });
});
