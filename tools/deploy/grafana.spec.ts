import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The series every service exposes on /metrics (README, "Metrics"); the dashboard must chart each. */
const SERIES = [
  'twinline_readings_received_total',
  'twinline_readings_accepted_total',
  'twinline_readings_quarantined_total',
  'twinline_consumer_messages_total',
  'twinline_consumer_redeliveries_total',
  'twinline_consumer_batch_size',
  'twinline_consumer_lag',
  'twinline_eventstore_append_seconds',
  'twinline_eventstore_append_events',
  'twinline_outbox_lag_events',
  'twinline_alarms_raised_total',
  'twinline_alarms_cleared_total',
  'twinline_twins',
  'twinline_work_orders',
  'twinline_work_orders_opened_total',
  'twinline_notification_attempts_total',
  'twinline_notification_deliveries',
  'twinline_projection_rebuild_position',
  'twinline_projection_rebuild_head',
  'twinline_projection_rebuild_events_per_second',
  'twinline_projection_rebuild_eta_seconds',
];

describe('the Grafana dashboard in deploy/grafana', () => {
  const dashboard = JSON.parse(readFileSync(join(__dirname, '../../deploy/grafana/twinline-dashboard.json'), 'utf8')) as {
    uid: string;
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
  const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\btwinline_[a-z_]+/g)].map((m) => m[0].replace(/_bucket$/, ''))));

  it('charts every Twinline series', () => {
    expect(SERIES.filter((s) => !used.has(s))).toEqual([]);
  });

  it('queries no Twinline series that the services do not expose', () => {
    expect([...used].filter((s) => !SERIES.includes(s))).toEqual([]);
  });

  it('gives every panel a title and a query', () => {
    expect(dashboard.uid).toBe('twinline-overview');
    for (const p of dashboard.panels) {
      expect(p.title).toBeTruthy();
      expect(p.targets.length).toBeGreaterThan(0);
    }
  });
});
