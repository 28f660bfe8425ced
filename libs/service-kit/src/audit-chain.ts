import { Readable } from 'node:stream';
import { Controller, Get, Inject, Query, type Provider } from '@nestjs/common';
import type { Pool } from 'pg';
import { z } from 'zod';
import { parseContract } from '@twinline/contracts';
import {
  EXPORT_CONTENT_TYPES,
  HEADS_DIGEST_ALGORITHM,
  PostgresChainAudit,
  currentHead,
  exportChunks,
  readStreamPaged,
  type ChainAudit,
  type EventStore,
  type ExportFormat,
} from '@twinline/event-store';
import { DomainError } from './problem-details';
import { PG_POOL } from './providers';

/**
 * The audit endpoints every event-sourced service has (read-only: any role, auditor included):
 *   GET /v1/audit/verify[?streamId=]  walks every chain of the service's store (or one stream) and
 *                                     reports the first broken link of each broken stream;
 *   GET /v1/audit/heads[?streamId=]   the head of every stream and the digest over them, to anchor;
 * and `sendStreamExport`, which the services' export routes use to stream one stream's history.
 */
export const CHAIN_AUDIT = Symbol('CHAIN_AUDIT');

/** The chain audit over the service's own schema (next to `eventStoreProviders(schema)`). */
export function chainAuditProviders(schema: string): Provider[] {
  return [{ provide: CHAIN_AUDIT, inject: [PG_POOL], useFactory: (pool: Pool) => new PostgresChainAudit(pool, { schema }) }];
}

const streamIdSchema = z.string().min(1, 'streamId must not be empty').max(200, 'streamId must be at most 200 characters');
const verifyQuery = z.object({
  streamId: streamIdSchema.optional(),
  maxBreaks: z.coerce.number().int('maxBreaks must be an integer').min(1, 'maxBreaks must be >= 1').max(10_000, 'maxBreaks must be <= 10000').default(1000),
});
const headsQuery = z.object({ streamId: streamIdSchema.optional() });

@Controller('v1/audit')
export class AuditChainController {
  constructor(@Inject(CHAIN_AUDIT) private readonly audit: ChainAudit) {}

  /** GET /v1/audit/verify?streamId=&maxBreaks= */
  @Get('verify')
  async verify(@Query() query: unknown) {
    const q = parseContract(verifyQuery, query, 'query');
    const checkedAt = new Date().toISOString();
    const result = await this.audit.verify({ maxBreaks: q.maxBreaks, ...(q.streamId !== undefined ? { streamId: q.streamId } : {}) });
    return { checkedAt, ...result };
  }

  /** GET /v1/audit/heads?streamId= */
  @Get('heads')
  async heads(@Query() query: unknown) {
    const q = parseContract(headsQuery, query, 'query');
    const readAt = new Date().toISOString();
    const { heads, digest } = await this.audit.streamHeads(q.streamId !== undefined ? { streamId: q.streamId } : {});
    if (q.streamId !== undefined && heads.length === 0) throw new DomainError('AUDIT.STREAM_NOT_FOUND', `no stream ${q.streamId} in this service's store`, 404);
    return { readAt, count: heads.length, digest, digestAlgorithm: HEADS_DIGEST_ALGORITHM, heads };
  }
}

/** Query of the export routes: `format=jsonl` (default) or `csv`. */
export const exportFormatSchema = z.enum(['jsonl', 'csv'], { error: 'format must be jsonl or csv' }).default('jsonl');

/** The part of Fastify's reply an export uses. */
export interface StreamReply {
  header(name: string, value: string): StreamReply;
  send(body: Readable): unknown;
}

/**
 * Streams the history of `streamId` up to its current head (read in pages, never whole) as JSON
 * Lines ending with the head line, or as CSV; the head is also in the `Twinline-Stream-Head`
 * response header. 404 when the stream does not exist. See chain-export.ts for the format.
 */
export async function sendStreamExport(reply: StreamReply, store: EventStore, streamId: string, format: ExportFormat, fileName: string, notFound: string): Promise<void> {
  const head = await currentHead(store, streamId);
  if (!head) throw new DomainError('AUDIT.STREAM_NOT_FOUND', notFound, 404);
  const body = Readable.from(exportChunks(readStreamPaged(store, streamId, head.version), head, format));
  reply
    .header('content-type', EXPORT_CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}.${format}"`)
    .header('twinline-stream-head', JSON.stringify(head))
    .header('cache-control', 'no-store')
    .send(body);
}
