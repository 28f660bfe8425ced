/**
 * given(events).when(command).then(events | error) for a decider:
 * decide(command, state) → events, evolve(state, event) → state.
 */
export interface Decider<C, E, S> {
  decide(command: C, state: S): readonly E[];
  evolve(state: S, event: E): S;
  initialState: S;
}

export function specFor<C, E, S>(decider: Decider<C, E, S>) {
  return (...given: E[]) => ({
    when(command: C) {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState));
      return {
        then(expected: readonly E[] | ((events: readonly E[]) => void)) {
          const events = run();
          if (typeof expected === 'function') expected(events);
          else expect(events).toEqual(expected);
        },
        thenThrows(code: string) {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeDefined();
          expect((caught as { code?: string }).code).toBe(code);
        },
      };
    },
  });
}
