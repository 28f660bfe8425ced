import { TWIN_STATUSES } from '@twinline/contracts';
import { metrics } from '@twinline/observability';
import type { TwinViewProjection } from './twin-view.projection';

/** twinline_twins{status}: twins per status, counted in twin_view when scraped (at most every 5 s). Returns its remover. */
export function twinsGauge(view: Pick<TwinViewProjection, 'countByStatus'>): () => void {
  return metrics.sampledGauge({ name: 'twinline_twins', help: 'Twins per status, from the twin_view read model (read at most every 5 s).', labelNames: ['status'] }, async () =>
    metrics.perStatus(await view.countByStatus(), TWIN_STATUSES),
  );
}
