import { UnknownSchemaVersionError, UpcasterRegistry, type Upcaster } from './upcasting';

const renameTemp: Upcaster = { type: 'Measured', fromSchemaVersion: 1, upcast: ({ temp, ...rest }) => ({ ...rest, temperatureC: temp }) };
const addFahrenheit: Upcaster = { type: 'Measured', fromSchemaVersion: 2, upcast: (data) => ({ ...data, temperatureF: (data['temperatureC'] as number) * 1.8 + 32 }) };

describe('UpcasterRegistry', () => {
  const registry = new UpcasterRegistry({ Measured: 3, Noted: 1 }, [addFahrenheit, renameTemp]);

  it('upcasts step by step to the current version, whatever order the upcasters were given in', () => {
    const stored = Object.freeze({ eventId: 'E-1', type: 'Measured', schemaVersion: 1, data: Object.freeze({ temp: 100 }), position: '7' });

    expect(registry.upcast(stored)).toEqual({ eventId: 'E-1', type: 'Measured', schemaVersion: 3, data: { temperatureC: 100, temperatureF: 212 }, position: '7' });
    expect(registry.upcast({ ...stored, schemaVersion: 2, data: { temperatureC: 0 } }).data).toEqual({ temperatureC: 0, temperatureF: 32 });
  });

  it('returns a current event, or one of a type it does not know, as the same object', () => {
    const current = { type: 'Measured', schemaVersion: 3, data: { temperatureC: 1, temperatureF: 33.8 } };
    const unknown = { type: 'SomethingElse', schemaVersion: 9, data: {} };
    expect(registry.upcast(current)).toBe(current);
    expect(registry.upcast(unknown)).toBe(unknown);
    expect(registry.currentVersion('Measured')).toBe(3);
    expect(registry.currentVersion('SomethingElse')).toBeUndefined();
  });

  it('fails on a version newer than the current one, or below 1, naming event, type and version', () => {
    const error = thrown(() => registry.upcast({ eventId: 'E-9', type: 'Measured', schemaVersion: 4, data: {} }));
    expect(error).toBeInstanceOf(UnknownSchemaVersionError);
    expect(error).toMatchObject({ code: 'EVENT.UNKNOWN_SCHEMA_VERSION', type: 'Measured', schemaVersion: 4, currentSchemaVersion: 3, eventId: 'E-9' });
    expect((error as Error).message).toBe('event E-9: Measured schema version 4: this build knows Measured up to version 3; a newer build wrote it');
    expect(() => registry.upcast({ type: 'Measured', schemaVersion: 0, data: {} })).toThrow('Measured schema version 0');
  });

  it('fails on a missing step, naming the type and the version it could not leave', () => {
    const gap = new UpcasterRegistry({ Measured: 3 }, [addFahrenheit]);
    expect(() => gap.upcast({ eventId: 'E-2', type: 'Measured', schemaVersion: 1, data: { temp: 1 } })).toThrow(
      new UnknownSchemaVersionError('Measured', 1, 3, 'E-2', 'no upcaster from version 1 to 2 (current is 3)'),
    );
    expect(() => gap.upcast({ type: 'Measured', schemaVersion: 1, data: {} })).toThrow('Measured schema version 1: no upcaster from version 1 to 2');
  });

  it('refuses, when built, two upcasters for one step, one for an unknown type, or one at or above the current version', () => {
    expect(() => new UpcasterRegistry({ Measured: 3 }, [renameTemp, { ...renameTemp }])).toThrow('two upcasters for Measured v1');
    expect(() => new UpcasterRegistry({}, [renameTemp])).toThrow('Measured has no current schema version');
    expect(() => new UpcasterRegistry({ Measured: 2 }, [addFahrenheit])).toThrow('must upcast from a version between 1 and 1');
    expect(() => new UpcasterRegistry({ Measured: 0 }, [])).toThrow('must be a positive integer');
  });
});

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
