import { createPublicKey, verify } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ApiKeyStore } from '@jit/platform';
import { createEvent, ManualClock, type AccessEvent, type EventType } from '@jit/events';
import { connectTestNats, deleteTopology, publish, sampleData, sampleEvent, waitFor } from '@jit/events/testing';
import { checkpointPayload } from '../src/chain/checkpoints.js';
import { linkHash, GENESIS_HASH } from '../src/chain/hash.js';
import { startAuditService } from './support/audit-service.js';

const apiKey = 'audit-tamper-test-key-0123';

/** One audit service with its own database and streams, a tamperer's client as the tables' owner, and the auditor's calls. */
async function auditBed(name: string, env: NodeJS.ProcessEnv = {}) {
  const service = await startAuditService(name, { JIT_DEMO_API_KEY: apiKey, ...env });
  const nc = await connectTestNats();
  const owner = new pg.Client({ connectionString: service.databaseUrl });
  await owner.connect();
  const call = async (method: string, path: string): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${service.url}${path}`, { method, headers: { authorization: `Bearer ${apiKey}` } });
    return { status: response.status, body: await response.json() };
  };
  const count = async (): Promise<number> => (await owner.query(`SELECT count(*)::int AS n FROM audit.audit_events`)).rows[0].n;
  return {
    service,
    owner,
    get: (path: string) => call('GET', path),
    post: (path: string) => call('POST', path),
    count,
    /** Publishes events and waits until the store holds `total` rows. */
    async record(events: AccessEvent[], total: number): Promise<void> {
      for (const event of events) await publish(nc, service.topology, event);
      await waitFor(async () => (await count()) === total, { what: `${total} events recorded` });
    },
    async close(): Promise<void> {
      await service.stop();
      await owner.end();
      await deleteTopology(nc, service.topology);
      await nc.close();
    },
  };
}

const lifecycle = (requestId: string): AccessEvent[] =>
  (['requested', 'approved', 'granted', 'expired', 'revoked'] as EventType[]).map((type) => sampleEvent(type, requestId));

/** Walks every page of `GET /v1/audit/verify`, returning the last. */
async function verifyAll(get: (path: string) => Promise<{ body: any }>): Promise<any> {
  let page = await get('/v1/audit/verify?limit=3');
  while (page.body.ok && page.body.nextCursor) page = await get(`/v1/audit/verify?limit=3&cursor=${page.body.nextCursor}`);
  return page.body;
}

describe("the audit store refuses its own service's role anything but insert and select", () => {
  let bed: Awaited<ReturnType<typeof auditBed>>;
  let writer: pg.Client;

  beforeAll(async () => {
    bed = await auditBed('audit_role');
    await bed.record(lifecycle(randomUUID()), 5);
    writer = new pg.Client({ connectionString: bed.service.writerUrl });
    await writer.connect();
  });

  afterAll(async () => {
    await writer.end();
    await bed.close();
  });

  it.each([
    ['UPDATE', `UPDATE audit.audit_events SET actor = 'mallory'`],
    ['DELETE', `DELETE FROM audit.audit_events`],
    ['TRUNCATE', `TRUNCATE audit.audit_events`],
    ['DROP TRIGGER', `DROP TRIGGER audit_events_append_only ON audit.audit_events`],
    ['DISABLE TRIGGER', `ALTER TABLE audit.audit_events DISABLE TRIGGER audit_events_append_only`],
    ['DROP TABLE', `DROP TABLE audit.audit_events`],
    ['UPDATE of a checkpoint', `UPDATE audit.checkpoints SET hash = 'x'`],
    ['DELETE of an auditor query', `DELETE FROM audit.auditor_queries`],
  ])('%s through the service role is refused and changes nothing', async (_, sql) => {
    await expect(writer.query(sql)).rejects.toThrow(/permission denied|must be owner/);
    expect(await bed.count()).toBe(5);
    const { rows } = await bed.owner.query(
      `SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'audit_events_append_only' AND tgenabled = 'O'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('the service role owns no table of the audit schema', async () => {
    const role = new URL(bed.service.writerUrl).username;
    const { rows } = await bed.owner.query(
      `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'audit' AND pg_get_userbyid(relowner) = $1`,
      [role],
    );
    expect(rows).toEqual([]);
  });
});

describe('verify catches what a tamperer with the owner role does', () => {
  let bed: Awaited<ReturnType<typeof auditBed>>;

  beforeEach(async () => {
    bed = await auditBed('audit_tamper');
  });

  afterEach(async () => {
    await bed.close();
  });

  it('names the missing range when the last rows are deleted, and the signed checkpoint shows the truncated tail', async () => {
    // One request after the other, so positions follow stream sequences.
    await bed.record(lifecycle(randomUUID()), 5);
    await bed.record(lifecycle(randomUUID()), 10);
    const signed = await bed.post('/v1/audit/checkpoints');
    expect(signed.body.checkpoint).toMatchObject({ position: 10 });
    expect(await verifyAll(bed.get)).toMatchObject({ ok: true, completeness: { ok: true, missing: [] }, checkpoint: { ok: true } });
    const { rows } = await bed.owner.query(`SELECT stream_seq FROM audit.audit_events WHERE position > 7 ORDER BY position`);

    await bed.owner.query(`ALTER TABLE audit.audit_events DISABLE TRIGGER audit_events_append_only`);
    await bed.owner.query(`DELETE FROM audit.audit_events WHERE position > 7`);
    await bed.owner.query(`ALTER TABLE audit.audit_events ENABLE TRIGGER audit_events_append_only`);

    const report = await verifyAll(bed.get);
    expect(report).toMatchObject({
      ok: false,
      completeness: { ok: false, missing: [{ from: Number(rows[0].stream_seq), to: Number(rows[2].stream_seq) }] },
      checkpoint: { ok: false, reason: expect.stringMatching(/^truncated tail: the store ends at position 7, before position 10/) },
    });
  });

  it('an emptied store is not ok: the whole stream is missing', async () => {
    await bed.record(lifecycle(randomUUID()), 5);
    await bed.owner.query(`ALTER TABLE audit.audit_events DISABLE TRIGGER audit_events_append_only`);
    await bed.owner.query(`DELETE FROM audit.audit_events`);
    await bed.owner.query(`ALTER TABLE audit.audit_events ENABLE TRIGGER audit_events_append_only`);

    const report = (await bed.get('/v1/audit/verify')).body;
    expect(report).toMatchObject({ ok: false, checked: 0, completeness: { ok: false, storeHead: 0, missing: [{ from: 1, to: 5 }] } });
  });

  it('finds the checkpoint mismatch when the whole chain is recomputed after an edit', async () => {
    const requestId = randomUUID();
    await bed.record(lifecycle(requestId), 5);
    await bed.post('/v1/audit/checkpoints');

    // The tamperer rewrites the grant's expiry and recomputes every hash from the first row, so every link holds again.
    await bed.owner.query(`ALTER TABLE audit.audit_events DISABLE TRIGGER audit_events_append_only`);
    await bed.owner.query(
      `UPDATE audit.audit_events SET event = jsonb_set(event, '{data,expiresAt}', '"2099-01-01T00:00:00.000Z"') WHERE type = 'granted'`,
    );
    const { rows } = await bed.owner.query(`SELECT position, stream_seq, recorded_at, event FROM audit.audit_events ORDER BY position`);
    let prevHash = GENESIS_HASH;
    for (const row of rows) {
      const fields = {
        position: Number(row.position),
        streamSeq: Number(row.stream_seq),
        recordedAt: row.recorded_at.toISOString(),
        event: row.event,
      };
      const hash = linkHash(prevHash, fields);
      await bed.owner.query(`UPDATE audit.audit_events SET prev_hash = $2, hash = $3 WHERE position = $1`, [row.position, prevHash, hash]);
      prevHash = hash;
    }
    await bed.owner.query(`ALTER TABLE audit.audit_events ENABLE TRIGGER audit_events_append_only`);

    const report = (await bed.get('/v1/audit/verify')).body;
    expect(report).toMatchObject({
      ok: false,
      checked: 5,
      completeness: { ok: true },
      checkpoint: { ok: false, reason: 'recomputed chain: the link at position 5 is not the one the checkpoint signed' },
    });
    expect(report).not.toHaveProperty('firstBrokenLink');
  });

  it('exports checkpoints an auditor can check outside the system with the public key alone', async () => {
    await bed.record(lifecycle(randomUUID()), 5);
    await bed.post('/v1/audit/checkpoints');
    await bed.record(lifecycle(randomUUID()), 10);
    await bed.post('/v1/audit/checkpoints');
    expect((await bed.post('/v1/audit/checkpoints')).body.checkpoint).toMatchObject({ position: 10 });

    const { body } = await bed.get('/v1/audit/checkpoints');
    expect(body.checkpoints.map((c: { position: number }) => c.position)).toEqual([5, 10]);
    const publicKey = createPublicKey(body.publicKey);
    for (const checkpoint of body.checkpoints) {
      expect(verify(null, checkpointPayload(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'))).toBe(true);
      const forged = { ...checkpoint, position: checkpoint.position + 1 };
      expect(verify(null, checkpointPayload(forged), publicKey, Buffer.from(checkpoint.signature, 'base64'))).toBe(false);
    }
    const { rows } = await bed.owner.query(`SELECT hash FROM audit.audit_events WHERE position = 10`);
    expect(body.checkpoints[1].hash).toBe(rows[0].hash);
  });
});

describe('lingering grants and recorded queries', () => {
  let bed: Awaited<ReturnType<typeof auditBed>>;

  beforeAll(async () => {
    bed = await auditBed('audit_lingering', { AUDIT_LINGERING_GRACE_MS: '60000' });
  });

  afterAll(async () => {
    await bed.close();
  });

  it('lists a grant past its expiry that nothing revoked, and drops it once revoked; the metric counts it', async () => {
    const clock = new ManualClock(new Date(Date.now() - 3 * 60 * 60 * 1000).toISOString());
    const overdue = randomUUID();
    const current = randomUUID();
    const grantedAt = clock.now().toISOString();
    const granted = (requestId: string, expiresAt: string): AccessEvent =>
      createEvent(
        { type: 'granted', data: { ...sampleData.granted, grantedAt, expiresAt } },
        { requestId, actor: 'service:provisioner' },
        clock,
      );
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    const inAnHour = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const before = await bed.count();
    await bed.record(
      [sampleEvent('requested', overdue), granted(overdue, hourAgo), sampleEvent('requested', current), granted(current, inAnHour)],
      before + 4,
    );

    const lingering = await bed.get('/v1/audit/lingering');
    expect(lingering.body.grants).toEqual([
      expect.objectContaining({ request_id: overdue, requester: 'alice@example.com', status: 'granted', expires_at: hourAgo }),
    ]);
    const metrics = await (await fetch(`${bed.service.url}/metrics`)).text();
    expect(metrics).toMatch(/^jit_audit_lingering_grants 1$/m);

    await bed.record([sampleEvent('revoked', overdue)], before + 5);
    expect((await bed.get('/v1/audit/lingering')).body.grants).toEqual([]);
  });

  it('refuses checkpoints and lingering grants to a non-auditor (403) and to no token (401), signing nothing', async () => {
    await bed.record([sampleEvent('requested', randomUUID())], (await bed.count()) + 1);
    const asAlice = { authorization: `Bearer ${apiKey}`, 'on-behalf-of': 'alice@example.com' };
    const answers = await Promise.all(
      [
        ['POST', '/v1/audit/checkpoints', asAlice],
        ['GET', '/v1/audit/checkpoints', asAlice],
        ['GET', '/v1/audit/lingering', asAlice],
        ['POST', '/v1/audit/checkpoints', {}],
        ['GET', '/v1/audit/lingering', {}],
      ].map(async ([method, path, headers]) => {
        const response = await fetch(`${bed.service.url}${path as string}`, {
          method: method as string,
          headers: headers as Record<string, string>,
        });
        return `${method as string} ${path as string} ${response.status} ${((await response.json()) as { error: { message: string } }).error.message}`;
      }),
    );
    expect(answers).toEqual([
      expect.stringMatching(/^POST \/v1\/audit\/checkpoints 403 alice@example.com is not an auditor/),
      expect.stringMatching(/^GET \/v1\/audit\/checkpoints 403 /),
      expect.stringMatching(/^GET \/v1\/audit\/lingering 403 /),
      expect.stringMatching(/^POST \/v1\/audit\/checkpoints 401 /),
      expect.stringMatching(/^GET \/v1\/audit\/lingering 401 /),
    ]);
    const { rows } = await bed.owner.query(`SELECT count(*)::int AS n FROM audit.checkpoints`);
    expect(rows[0].n).toBe(0);
  });

  it('records every auditor query: who asked what, when', async () => {
    const requestId = randomUUID();
    await bed.get(`/v1/audit/events?requestId=${requestId}&limit=5`);
    await bed.get(`/v1/audit/requests/${requestId}/timeline`);
    const { rows } = await bed.owner.query(
      `SELECT who, via, route, query, asked_at FROM audit.auditor_queries WHERE query::text LIKE $1 ORDER BY id`,
      [`%${requestId}%`],
    );
    expect(rows).toEqual([
      expect.objectContaining({
        who: 'apikey:demo',
        via: 'api_key:demo',
        route: 'GET /v1/audit/events',
        query: { query: { requestId, limit: '5' }, params: {} },
      }),
      expect.objectContaining({ route: 'GET /v1/audit/requests/:id/timeline', query: { query: {}, params: { id: requestId } } }),
    ]);
    expect(Date.now() - rows[0].asked_at.getTime()).toBeLessThan(60_000);
  });

  const queriesAbout = async (marker: string): Promise<any[]> =>
    (
      await bed.owner.query(
        `SELECT who, via, route, query, asked_at, refusal FROM audit.auditor_queries WHERE query::text LIKE $1 ORDER BY id`,
        [`%${marker}%`],
      )
    ).rows;

  it('records a query refused with a 400: who asked what, when, and why', async () => {
    const requestId = randomUUID();
    const answer = await bed.get(`/v1/audit/events?requestId=${requestId}&type=teleported`);
    expect(answer.status).toBe(400);

    const rows = await queriesAbout(requestId);
    // Asked (recorded before the route ran), then refused by the route, with the reason the caller was given.
    expect(rows).toEqual([
      expect.objectContaining({ who: 'apikey:demo', route: 'GET /v1/audit/events', refusal: null }),
      expect.objectContaining({
        who: 'apikey:demo',
        via: 'api_key:demo',
        route: 'GET /v1/audit/events',
        query: { query: { requestId, type: 'teleported' }, params: {} },
        refusal: { status: 400, reason: answer.body.error.message },
      }),
    ]);
    expect(answer.body.error.message).toMatch(/^type: /);
    expect(Date.now() - rows[1].asked_at.getTime()).toBeLessThan(60_000);
  });

  it('records a query refused with a 403: a key without audit:read, and a person who is not an auditor', async () => {
    const owner = new DataSource({ type: 'postgres', url: bed.service.databaseUrl });
    await owner.initialize();
    const { secret } = await new ApiKeyStore(owner).create(
      { name: 'requests-reader', owner: 'ops@example.com', scopes: ['requests:read'] },
      'test',
      new Date(),
    );
    await owner.destroy();
    const requestId = randomUUID();
    const path = `/v1/audit/requests/${requestId}/timeline`;
    const withoutScope = await fetch(`${bed.service.url}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    const notAuditor = await fetch(`${bed.service.url}${path}`, {
      headers: { authorization: `Bearer ${apiKey}`, 'on-behalf-of': 'alice@example.com' },
    });
    expect([withoutScope.status, notAuditor.status]).toEqual([403, 403]);

    const refused = (status: number, who: string, via: string, reason: RegExp) =>
      expect.objectContaining({
        who,
        via,
        route: 'GET /v1/audit/requests/:id/timeline',
        query: { query: {}, params: { id: requestId } },
        refusal: { status, reason: expect.stringMatching(reason) },
      });
    expect(await queriesAbout(requestId)).toEqual([
      refused(403, 'apikey:requests-reader', 'api_key:requests-reader', /needs scope audit:read/),
      refused(403, 'alice@example.com', 'api_key:demo', /^alice@example.com is not an auditor/),
    ]);
  });
});
