import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Actor, RequireRoles } from './auth';
import { DomainError } from './problem-details';
import { ProjectionRebuilds, type ProjectionRebuilder } from './projection-rebuild';

/**
 * GET /v1/admin/projections — the service's read models and their last or running rebuild (any role).
 * GET /v1/admin/projections/:name — one of them.
 * POST /v1/admin/projections/:name/rebuild — rebuilds it from position 0 next to the live one and
 * swaps it in when caught up (admin); answers 202 at once, progress via GET or the metrics.
 */
@Controller('v1/admin/projections')
export class ProjectionsController {
  constructor(@Inject(ProjectionRebuilds) private readonly rebuilds: ProjectionRebuilds) {}

  @Get()
  list() {
    return { items: this.rebuilds.list().map((r) => r.status()) };
  }

  @Get(':name')
  get(@Param('name') name: string) {
    return this.find(name).status();
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @RequireRoles('admin')
  rebuild(@Param('name') name: string, @Actor() actor: string) {
    const rebuilder = this.find(name);
    if (!rebuilder.start(actor)) {
      throw new DomainError('PROJECTION.REBUILD_RUNNING', `projection ${name} is being rebuilt already (started ${rebuilder.status().startedAt} by ${rebuilder.status().requestedBy})`, 409, { projection: name });
    }
    return rebuilder.status();
  }

  private find(name: string): ProjectionRebuilder {
    const rebuilder = this.rebuilds.get(name);
    if (!rebuilder) {
      const known = this.rebuilds.list().map((r) => r.name);
      throw new DomainError('PROJECTION.NOT_FOUND', `no projection "${name}" in this service (known: ${known.join(', ') || 'none'})`, 404, { field: 'name', known });
    }
    return rebuilder;
  }
}
