import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import { createLogger } from '@twinline/observability';

/** An in-process MQTT broker (aedes) for a machine without one: `MQTT_URL=embedded`. */
export async function startEmbeddedBroker(port: number): Promise<void> {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  createLogger('ingestion').info('embedded MQTT broker listening', { port });
}
