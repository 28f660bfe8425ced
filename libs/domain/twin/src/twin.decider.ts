import type { TwinEvent } from '@twinline/contracts';
import type { TwinCommand } from './twin.commands';
import { decide } from './twin.decide';
import { evolve } from './twin.evolve';
import { initialTwinState, type TwinState } from './twin.state';

/** The twin as one decider value: `events.reduce(evolve, initialState)` then `decide(command, state)`. */
export const twinDecider: {
  readonly decide: (command: TwinCommand, state: TwinState) => TwinEvent[];
  readonly evolve: (state: TwinState, event: TwinEvent) => TwinState;
  readonly initialState: TwinState;
} = { decide, evolve, initialState: initialTwinState };
