import {
  alarmRaisedV1,
  failurePredictedV1,
  parseContract,
  publishedEventV1,
  rulEstimatedV1,
  type AlarmRaisedData,
  type ConsumedAlarm,
  type FailurePredictedData,
  type PublishedEvent,
  type RulEstimatedData,
} from '@twinline/contracts';
import { MaintenanceError } from '@twinline/domain-maintenance';
import { messageParser, PermanentError, type Delivery } from '@twinline/messaging';
import { traceparentOf } from '@twinline/observability';
import { handleCommands, type CommandDeps, type CommandEnvelope } from './work-order-commands';

/** The twin events the scheduler consumes, each on its own durable (nats-server 2.9: one filter subject per consumer). */
export const TWIN_INPUTS = ['AlarmRaised', 'FailurePredicted', 'RulEstimated'] as const;
export type TwinInput = (typeof TWIN_INPUTS)[number];

export interface AlarmRaisedMessage {
  readonly event: PublishedEvent;
  readonly alarm: AlarmRaisedData;
}
export interface FailurePredictedMessage {
  readonly event: PublishedEvent;
  readonly prediction: FailurePredictedData;
}
export interface RulEstimatedMessage {
  readonly event: PublishedEvent;
  readonly estimate: RulEstimatedData;
}

function twinEventOf(body: unknown, type: TwinInput): PublishedEvent {
  const event = parseContract(publishedEventV1, body, 'twin event');
  if (event.type !== type) throw new Error(`expected ${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type} event, got ${event.type}`);
  return event;
}

export const parseAlarmRaised = messageParser((body): AlarmRaisedMessage => {
  const event = twinEventOf(body, 'AlarmRaised');
  return { event, alarm: parseContract(alarmRaisedV1, event.data, 'AlarmRaised data') };
});

export const parseFailurePredicted = messageParser((body): FailurePredictedMessage => {
  const event = twinEventOf(body, 'FailurePredicted');
  return { event, prediction: parseContract(failurePredictedV1, event.data, 'FailurePredicted data') };
});

export const parseRulEstimated = messageParser((body): RulEstimatedMessage => {
  const event = twinEventOf(body, 'RulEstimated');
  return { event, estimate: parseContract(rulEstimatedV1, event.data, 'RulEstimated data') };
});

/** What every command from a twin event records: the event it was decided from, and its trace. */
function causedBy(delivery: Delivery<{ event: PublishedEvent }>, actor: string): Omit<CommandEnvelope, 'command' | 'occurredAt'> {
  const traceparent = traceparentOf(delivery.traceContext);
  const { event } = delivery.data;
  return { idBase: event.eventId, correlationId: event.correlationId, causationId: event.eventId, actor, ...(traceparent ? { traceparent } : {}) };
}

export function alarmCommand(delivery: Delivery<AlarmRaisedMessage>, actor: string): CommandEnvelope {
  const { alarm } = delivery.data;
  const consumed: ConsumedAlarm = { alarmId: alarm.alarmId, cause: alarm.cause, severity: alarm.severity, message: alarm.message, raisedAt: alarm.raisedAt };
  return { ...causedBy(delivery, actor), command: { type: 'HandleAlarm', data: { assetId: alarm.assetId, ...consumed } }, occurredAt: alarm.raisedAt, alarm: consumed };
}

export function predictionCommand(delivery: Delivery<FailurePredictedMessage>, actor: string): CommandEnvelope {
  const { assetId, predictionId, cause, predictedFailureAt, message, at } = delivery.data.prediction;
  return { ...causedBy(delivery, actor), command: { type: 'HandlePrediction', data: { assetId, predictionId, cause, predictedFailureAt, message, at } }, occurredAt: at };
}

export function rulCommand(delivery: Delivery<RulEstimatedMessage>, actor: string): CommandEnvelope {
  const { assetId, cause, rulHours, at } = delivery.data.estimate;
  return { ...causedBy(delivery, actor), command: { type: 'HandleRulEstimate', data: { assetId, cause, rulHours, at } }, occurredAt: at };
}

/**
 * A consumer's batch of twin events, decided as maintenance commands. A message the maintenance rules
 * refuse (another asset's stream, a time that is not one) can never succeed: it is a PermanentError,
 * so the consumer dead-letters that message alone. A version conflict is transient (retried in place).
 */
export async function handleTwinMessages<T extends { event: PublishedEvent }>(
  batch: readonly Delivery<T>[],
  toCommand: (delivery: Delivery<T>, actor: string) => CommandEnvelope,
  deps: CommandDeps & { actor: string },
): Promise<number> {
  try {
    return (await handleCommands(batch.map((d) => toCommand(d, deps.actor)), deps)).appended;
  } catch (error) {
    if (error instanceof MaintenanceError) throw new PermanentError(`${error.code}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** An alarm opens a work order for its asset and cause, or attaches to the one still open. */
export const handleAlarms = (batch: readonly Delivery<AlarmRaisedMessage>[], deps: CommandDeps & { actor: string }) => handleTwinMessages(batch, alarmCommand, deps);
/** A failure prediction opens a predictive work order for its cause, or attaches to (and may hasten) the open one. */
export const handlePredictions = (batch: readonly Delivery<FailurePredictedMessage>[], deps: CommandDeps & { actor: string }) => handleTwinMessages(batch, predictionCommand, deps);
/** A remaining-useful-life estimate may move the open work order of its cause forward. */
export const handleRulEstimates = (batch: readonly Delivery<RulEstimatedMessage>[], deps: CommandDeps & { actor: string }) => handleTwinMessages(batch, rulCommand, deps);
