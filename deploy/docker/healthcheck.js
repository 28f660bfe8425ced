// Container health check for the Twinline image (the image has no curl or wget):
//   node deploy/docker/healthcheck.js [/health/ready|/health/live]
// Asks the service chosen by SERVICE (or PORT) on 127.0.0.1 and exits 0 on a 2xx answer.
'use strict';
const PORTS = { ingestion: 3001, integrity: 3002, 'twin-state': 3003, 'maintenance-scheduler': 3004, notification: 3005, console: 8080 };
const port = process.env.PORT || PORTS[process.env.SERVICE];
const path = process.argv[2] || '/health/ready';
if (!port) {
  console.error('healthcheck: set SERVICE (or PORT)');
  process.exit(2);
}
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  (error) => {
    console.error(`healthcheck: ${error.message}`);
    process.exit(1);
  },
);
