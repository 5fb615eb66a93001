import { createPublicKey, randomUUID, verify } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import type { AccessEvent, EventType } from '@jit/events';
import { connectTestNats, deleteTopology, publish, sampleEvent, testNatsUrl, topologyEnv, waitFor } from '@jit/events/testing';
import { checkpointPayload } from '../../../apps/audit/src/chain/checkpoints.js';
import { startAuditService } from '../../../apps/audit/test/support/audit-service.js';
import { runJit, runJitOutput } from './support/run-cli.js';

const apiKey = 'audit-cli-test-key-012345';
const lifecycle = (requestId: string): AccessEvent[] =>
  (['requested', 'approved', 'granted', 'extended', 'revoked'] as EventType[]).map((type) => sampleEvent(type, requestId));

describe('audit operations through the CLI', () => {
  let service: Awaited<ReturnType<typeof startAuditService>>;
  let nc: NatsConnection;
  let owner: pg.Client;
  let env: NodeJS.ProcessEnv;
  const requestIds = Array.from({ length: 40 }, () => randomUUID());

  const count = async (): Promise<number> => (await owner.query(`SELECT count(*)::int AS n FROM audit.audit_events`)).rows[0].n;
  const projection = async (table = 'requests'): Promise<unknown[]> =>
    (await owner.query(`SELECT * FROM audit.${table} ORDER BY request_id`)).rows;

  beforeAll(async () => {
    service = await startAuditService('audit_cli', { JIT_DEMO_API_KEY: apiKey });
    nc = await connectTestNats();
    owner = new pg.Client({ connectionString: service.databaseUrl });
    await owner.connect();
    // The operator reads the audit tables as their owner.
    env = { NATS_URL: testNatsUrl, DATABASE_URL: service.databaseUrl, ...topologyEnv(service.topology) };
    for (const requestId of requestIds) for (const event of lifecycle(requestId)) await publish(nc, service.topology, event);
    await waitFor(async () => (await count()) === requestIds.length * 5, { what: 'every event recorded', timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await service.stop();
    await owner.end();
    await deleteTopology(nc, service.topology);
    await nc.close();
  });

  it('verify walks the whole chain with progress, and checks a range on its own', async () => {
    const whole = await runJitOutput(['verify'], env);
    expect(whole.lines).toEqual([
      expect.objectContaining({
        ok: true,
        checked: 200,
        range: { from: 1, to: 200 },
        completeness: expect.objectContaining({ ok: true, missing: [] }),
      }),
    ]);
    expect(whole.stderr).toMatch(/\[#+\] 100% 200\/200 positions/);
    const range = await runJit(['verify', '--from', '3', '--to', '7'], env);
    expect(range).toEqual([expect.objectContaining({ ok: true, checked: 5, range: { from: 3, to: 7 } })]);
    expect(range[0]).not.toHaveProperty('completeness');
  });

  it('checkpoint export prints every signed checkpoint, checkable with its public key alone', async () => {
    await fetch(`${service.url}/v1/audit/checkpoints`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
    const lines = await runJit(['checkpoint', 'export'], env);
    expect(lines).toEqual([expect.objectContaining({ position: 200, streamSeq: 200 })]);
    const [checkpoint] = lines;
    expect(
      verify(null, checkpointPayload(checkpoint), createPublicKey(checkpoint.publicKey), Buffer.from(checkpoint.signature, 'base64')),
    ).toBe(true);
  });

  it('replay rebuilds the requests projection identical to the live one and swaps it in; recording goes on into it', async () => {
    const live = await projection();
    expect(live).toHaveLength(requestIds.length);

    const output = await runJitOutput(['replay', '--projection', 'requests'], env);

    expect(output.lines).toEqual([expect.objectContaining({ projection: 'requests', events: 200, rows: 40, toSeq: 200 })]);
    expect(output.stderr).toMatch(/100% 200\/200 events/);
    expect(await projection()).toEqual(live);
    // The service's role still writes the swapped-in table: the grants came along.
    const later = randomUUID();
    await publish(nc, service.topology, sampleEvent('requested', later));
    await waitFor(async () => (await owner.query(`SELECT 1 FROM audit.requests WHERE request_id = $1`, [later])).rowCount === 1, {
      what: 'the new request in the rebuilt projection',
    });
  });

  it('replay rebuilds the grants projection identical to the live one, every row and column', async () => {
    const live = await projection('grants');
    expect(live).toHaveLength(requestIds.length);

    const output = await runJitOutput(['replay', '--projection', 'grants'], env);

    expect(output.lines).toEqual([expect.objectContaining({ projection: 'grants', rows: requestIds.length })]);
    expect(await projection('grants')).toEqual(live);
  });

  it('while a replay waits to swap its table in, the service goes on answering from the old one', async () => {
    // A writer holds the projection: the replay builds its fresh table, then waits for the lock it swaps under.
    const writer = new pg.Client({ connectionString: service.databaseUrl });
    await writer.connect();
    await writer.query('BEGIN');
    await writer.query('LOCK TABLE audit.requests IN ROW EXCLUSIVE MODE');
    const replaying = runJitOutput(['replay', '--projection', 'requests'], env);
    try {
      await waitFor(
        async () =>
          (await owner.query(`SELECT 1 FROM pg_locks WHERE relation = 'audit.requests'::regclass AND NOT granted`)).rowCount === 1,
        { what: 'the replay waiting to swap', timeoutMs: 30_000 },
      );
      const fresh = await owner.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'audit' AND tablename LIKE 'requests_rebuild_%'`);
      expect(fresh.rows).toHaveLength(1);
      const answer = await fetch(`${service.url}/v1/audit/lingering`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(answer.status).toBe(200);
    } finally {
      await writer.query('COMMIT');
      await writer.end();
    }
    expect((await replaying).lines).toEqual([expect.objectContaining({ projection: 'requests' })]);
    const left = await owner.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'audit' AND tablename LIKE 'requests_%'`);
    expect(left.rows).toEqual([]);
  });

  it('refuses a projection it does not know, naming the ones it does', async () => {
    await expect(runJit(['replay', '--projection', 'grants-by-colour'], env)).rejects.toMatchObject({
      stderr: expect.stringContaining('no projection "grants-by-colour": one of requests, grants'),
    });
  });

  it('request shows one request across the stream and the store, and says when they disagree', async () => {
    const [requestId] = requestIds;
    const agreed = await runJit(['request', requestId], env);
    expect(agreed).toEqual([
      {
        requestId,
        agree: true,
        events: lifecycle('x').map((e) => expect.objectContaining({ type: e.type, inStream: true, inStore: true, same: true })),
      },
    ]);

    await owner.query(`ALTER TABLE audit.audit_events DISABLE TRIGGER audit_events_append_only`);
    await owner.query(
      `UPDATE audit.audit_events SET event = jsonb_set(event, '{actor}', '"mallory@example.com"') WHERE request_id = $1 AND type = 'approved'`,
      [requestId],
    );
    await owner.query(`ALTER TABLE audit.audit_events ENABLE TRIGGER audit_events_append_only`);

    const disagreed = await runJitOutput(['request', requestId], env).catch((error: { code: number; stdout: string }) => error);
    expect(disagreed).toMatchObject({ code: 1 });
    const [answer] = (disagreed as unknown as { stdout: string }).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(answer.agree).toBe(false);
    expect(answer.events.filter((e: { same: boolean }) => !e.same).map((e: { type: string }) => e.type)).toEqual(['approved']);
  });
});
