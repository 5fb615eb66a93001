import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
  UseInterceptors,
  Headers,
} from '@nestjs/common';
import type { Response } from 'express';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '@jit/events';
import {
  ApiRoute,
  decodeCursor,
  NATS_CONNECTION,
  NotFoundError,
  pageOf,
  parseInput,
  RequireScope,
  SERVICE_CONFIG,
  topologyOf,
  ValidationError,
} from '@jit/platform';
import type { AuditConfig } from '../audit.config.js';
import { AuditorsOnly } from '../auditors/auditors-only.guard.js';
import { checkpointHead, CheckpointSigner, listCheckpoints, type SignedCheckpoint } from '../chain/checkpoints.js';
import { checkStore, type StoreChecks } from '../chain/store-verification.js';
import { jetStreamView } from '../chain/stream-view.js';
import { CHAIN_START, verifyRun, type ChainVerification } from '../chain/verify.js';
import { AuditorQueryLog, AuditorRefusals } from '../evidence/auditor-queries.js';
import type { RequestRow } from '../projections/requests.js';
import { sqlOf } from '../records/sql.js';
import { LingeringGrants } from './lingering.js';
import type { AuditRecord } from '../records/audit-record.js';
import { AccessReportQuerySchema, periodOf, toCsv, type AccessPeriod } from './access-report.js';
import { EventQuerySchema, PageQuerySchema, PositionCursor, VerifyQuerySchema } from './audit-query.js';
import { AuditRepository } from './audit.repository.js';
import { EVENT_EXAMPLE } from './audit.examples.js';

/** A request id in a path: whatever id an event carried, within bounds. */
const RequestIdSchema = z.string().min(1).max(200);

/** The auditors' API: events by filter, a request's timeline, who held access when, and verification of the hash chain. */
@Controller('v1/audit')
@RequireScope('audit:read')
@UseGuards(AuditorsOnly)
@UseInterceptors(AuditorQueryLog)
@UseFilters(AuditorRefusals)
export class AuditController {
  constructor(
    private readonly store: AuditRepository,
    private readonly dataSource: DataSource,
    private readonly signer: CheckpointSigner,
    private readonly lingeringGrants: LingeringGrants,
    private readonly clock: Clock,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: AuditConfig,
  ) {}

  @ApiRoute({
    summary: 'Recorded events by filter, a page at a time',
    query: EventQuerySchema,
    response: { description: 'A page of events; `nextCursor` fetches the next one', example: { events: [EVENT_EXAMPLE], nextCursor: 42 } },
  })
  @Get('events')
  async events(@Query() raw: Record<string, string>): Promise<{ events: Record<string, unknown>[]; nextCursor: string | null }> {
    const { items, nextCursor } = await this.store.events(parseInput(EventQuerySchema, raw, { where: '(query)' }));
    return { events: items.map(present), nextCursor };
  }

  /**
   * Who held access when, as JSON or (with `format=csv` or `Accept: text/csv`) as CSV, one page of
   * grants at a time, by grant time (then request id), read from the `grants` projection; the next
   * page's cursor is `nextCursor` in JSON and the `X-Next-Cursor` header in CSV.
   */
  @ApiRoute({
    summary: 'Who held access to what, and when',
    description: 'JSON, or CSV with `format=csv` or `Accept: text/csv` (cells that a spreadsheet would run are neutralised).',
    query: AccessReportQuerySchema,
    response: { description: 'The access periods', contentTypes: ['application/json', 'text/csv'] },
  })
  @Get('access-report')
  async accessReport(
    @Query() raw: Record<string, string>,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const query = parseInput(AccessReportQuerySchema, raw, { where: '(query)' });
    const page = await this.store.reportPage(query, query);
    const periods: AccessPeriod[] = page.items.map(periodOf);
    const csv = query.format === 'csv' || (query.format === undefined && accept?.includes('text/csv'));
    if (csv) {
      if (page.nextCursor) response.setHeader('X-Next-Cursor', page.nextCursor);
      response.type('text/csv').attachment('access-report.csv').send(toCsv(periods));
    } else {
      response.json({ periods, nextCursor: page.nextCursor });
    }
  }

  @ApiRoute({
    summary: "A request's whole history, a page at a time",
    query: PageQuerySchema,
    params: { id: RequestIdSchema },
    response: {
      description: 'Every event of the request, in stream order',
      example: { requestId: '5b0f9c1e-7d7c-4c1e-9a57-3f1f6c1e2a10', events: [EVENT_EXAMPLE] },
    },
    errors: [404],
  })
  @Get('requests/:id/timeline')
  async timeline(
    @Param('id') id: string,
    @Query() raw: Record<string, string>,
  ): Promise<{ requestId: string; events: Record<string, unknown>[]; nextCursor: string | null }> {
    const requestId = parseInput(RequestIdSchema, id, { field: 'id' });
    const page = await this.store.timeline(requestId, parseInput(PageQuerySchema, raw, { where: '(query)' }));
    if (page.items.length === 0 && !raw.cursor) throw new NotFoundError(`no events for request ${requestId}`);
    return { requestId, events: page.items.map(present), nextCursor: page.nextCursor };
  }

  /**
   * Verifies one page of the chain: the records after `cursor` (from the first), up to `limit`,
   * tied to the record before them. The answer names the range checked and the cursor of the next
   * page; following `nextCursor` until it is null checks the whole chain as one walk would, and the
   * first broken link ends the walk. The last page (the walk reached the head) also compares the
   * store with the stream (every sequence held, or the missing ranges named) and with the latest
   * signed checkpoint (a truncated tail or a recomputed chain); `ok` covers them too.
   */
  @ApiRoute({
    summary: 'Verifies one page of the hash chain of the audit store; the last page also its completeness and latest checkpoint',
    query: VerifyQuerySchema,
    response: { description: 'The range checked, the first broken link if any, and the cursor of the next page' },
  })
  @Get('verify')
  async verify(
    @Query() raw: Record<string, string>,
  ): Promise<ChainVerification & { range: { from: number; to: number }; nextCursor: string | null } & Partial<StoreChecks>> {
    const { cursor, limit } = parseInput(VerifyQuerySchema, raw, { where: '(query)' });
    const after = decodeCursor(PositionCursor, cursor)?.position ?? 0;
    const start = after === 0 ? CHAIN_START : await this.store.linkAt(after);
    if (!start)
      throw new ValidationError(`cursor: no record at position ${after}`, { issues: [{ field: 'cursor', message: 'no record there' }] });
    const page = pageOf(await this.store.chainAfter(after, limit + 1), limit, (record) => ({ position: record.position }));
    const run = verifyRun(page.items, start);
    const range = { from: after + 1, to: after + run.checked };
    if (!run.ok || page.nextCursor) return { ...run, range, nextCursor: run.ok ? page.nextCursor : null };
    const stream = jetStreamView(await jetstreamManager(this.nc), topologyOf(this.config), this.config.SERVICE_NAME);
    const checks = await checkStore(sqlOf(this.dataSource), stream, this.signer.publicKeyPem);
    const ok = checks.completeness.ok && (checks.checkpoint?.ok ?? true);
    return { ...run, ok, range, nextCursor: null, ...checks } as ChainVerification & {
      range: typeof range;
      nextCursor: null;
    } & StoreChecks;
  }

  @ApiRoute({
    summary: "Signed checkpoints of the chain's head, oldest first, with the public key that checks them",
    response: { description: 'The public key (SPKI PEM), its id, and every checkpoint' },
  })
  @Get('checkpoints')
  async checkpoints(): Promise<{ keyId: string; publicKey: string; checkpoints: SignedCheckpoint[] }> {
    return { keyId: this.signer.keyId, publicKey: this.signer.publicKeyPem, checkpoints: await listCheckpoints(sqlOf(this.dataSource)) };
  }

  @ApiRoute({
    summary: "Signs the chain's head now (the latest checkpoint when the head has not moved)",
    response: { description: 'The checkpoint of the head; null while the store is empty' },
  })
  @Post('checkpoints')
  @HttpCode(200)
  async checkpointNow(): Promise<{ checkpoint: SignedCheckpoint | null }> {
    return { checkpoint: (await checkpointHead(sqlOf(this.dataSource), this.signer, this.clock.now())) ?? null };
  }

  @ApiRoute({
    summary: 'Grants past their expiry that no revocation ended (always empty when the system is healthy)',
    response: { description: 'The lingering grants, the longest overdue first' },
  })
  @Get('lingering')
  async lingering(): Promise<{ grants: RequestRow[] }> {
    return { grants: await this.lingeringGrants.list() };
  }
}

/** A record as the API shows it: the event as recorded, with its place in the stream and the chain. */
function present(record: AuditRecord): Record<string, unknown> {
  return { ...record.event, streamSeq: record.streamSeq, position: record.position, recordedAt: record.recordedAt, hash: record.hash };
}
