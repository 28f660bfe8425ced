import { metrics } from '@twinline/observability';

/** Readings ingestion stored in JetStream, by channel (counted once the publish is acknowledged). */
export const readingsReceived = metrics.counter('twinline_readings_received_total', 'Readings received and stored in JetStream (telemetry.raw), by channel.', ['channel']);
for (const channel of ['http', 'mqtt']) readingsReceived.inc({ channel }, 0);
