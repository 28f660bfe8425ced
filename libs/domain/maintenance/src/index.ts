export { MaintenanceError, type MaintenanceErrorCode } from './maintenance.errors';
export { initialMaintenanceState, type MaintenanceState, type WorkOrder } from './maintenance.state';
export type { HandleAlarm, MaintenanceCommand } from './maintenance.commands';
export { decide, priorityForSeverity, workOrderIdFor } from './maintenance.decide';
export { evolve } from './maintenance.evolve';
export { workOrdersView, type WorkOrderView } from './maintenance.view';
export { maintenanceDecider } from './maintenance.decider';
