import type { MaintenanceEvent } from '@twinline/contracts';
import type { MaintenanceCommand } from './maintenance.commands';
import { decide } from './maintenance.decide';
import { evolve } from './maintenance.evolve';
import { initialMaintenanceState, type MaintenanceState } from './maintenance.state';

export const maintenanceDecider: {
  readonly decide: (command: MaintenanceCommand, state: MaintenanceState) => MaintenanceEvent[];
  readonly evolve: (state: MaintenanceState, event: MaintenanceEvent) => MaintenanceState;
  readonly initialState: MaintenanceState;
} = { decide, evolve, initialState: initialMaintenanceState };
