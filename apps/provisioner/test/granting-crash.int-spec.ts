import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { SystemClock, createEvent, type EventDraft } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOf, publish, waitFor } from '@jit/events/testing';
import { startTestService, testServiceEnv } from '@jit/platform/testing';
import { seedGroups, seedPeople, startVendorSim, type RequestLogLine, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { GrantingLoop } from '../src/grants/granting-loop.js';
import { provisionerService } from '../src/service.js';
import { requested } from './support/requested.js';
import { simulatorEnv } from './support/vendor-env.js';

const clock = new SystemClock();
const aws = seedGroups.awsProdConsole;
const alice = seedPeople.alice;
const LEASE_MS = 3000;

describe('a provisioner killed after the Okta add and before the result commits', () => {
  let sim: VendorSim;
  const calls: RequestLogLine[] = [];
  let nc: NatsConnection;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let db: pg.Client;
  let vendorEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sim = await startVendorSim({ log: (line) => calls.push(line) });
    nc = await connectTestNats();
    vendorEnv = simulatorEnv(sim, { CLAIM_LEASE_MS: String(LEASE_MS) });
    // This replica's granting loop runs only when the test says so, so the doomed process claims the grant first.
    service = await startTestService(provisionerService, {
      name: 'provisioner_crash',
      env: { ...vendorEnv, GRANT_TICK_MS: '3600000' },
    });
    // Stopped at once (a NOTIFY would wake it otherwise); the test runs its ticks by hand.
    await service.app.get(GrantingLoop).beforeApplicationShutdown();
    db = new pg.Client({ connectionString: service.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await service.stop();
    await db.end();
    await deleteTopology(nc, service.topology);
    await nc.close();
    await sim.close();
  });

  async function grantRow(requestId: string) {
    const { rows } = await db.query(`SELECT status, lease_owner, lease_until FROM provisioner.grants WHERE request_id = $1`, [requestId]);
    return rows[0] as { status: string; lease_owner: string | null; lease_until: Date | null } | undefined;
  }

  async function runUntilKilled(): Promise<string> {
    const script = fileURLToPath(new URL('./fixtures/grant-then-die.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', script], {
      env: { ...process.env, ...testServiceEnv(provisionerService, service.databaseUrl, service.topology, vendorEnv) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    return out.trim();
  }

  it('finishes the grant exactly once, after the dead claim runs out: one granted event, one membership', async () => {
    const requestId = randomUUID();
    const send = (draft: EventDraft, actor: string) => publish(nc, service.topology, createEvent(draft, { requestId, actor }, clock));
    await send({ type: 'requested', data: requested(alice.email) }, alice.email);
    await send({ type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } }, 'bob@example.com');
    await waitFor(async () => (await grantRow(requestId))?.status === 'granting', { what: 'the approval recorded' });

    expect(await runUntilKilled()).toBe('added');

    expect(sim.groupMembers(aws.id)).toEqual([alice.oktaId]);
    const claimed = await grantRow(requestId);
    expect(claimed).toMatchObject({ status: 'granting', lease_owner: expect.any(String) });
    const leaseUntil = new Date(claimed!.lease_until!);
    const loop = service.app.get(GrantingLoop);
    // The dead process's claim still holds: nobody else touches the grant yet.
    expect(await loop.tick()).toBe(0);

    await waitFor(async () => (await loop.tick()) > 0, { what: 'the grant taken over once the lease ran out' });
    const [granted] = await waitFor(
      async () => {
        const events = await eventsOf(nc, service.topology, 'granted', requestId);
        return events.length > 0 && events;
      },
      { what: 'granted' },
    );
    expect(Date.parse(granted.occurredAt)).toBeGreaterThanOrEqual(leaseUntil.getTime());
    expect(granted.data.oktaUserId).toBe(alice.oktaId);
    expect(await loop.tick()).toBe(0);
    expect(await grantRow(requestId)).toEqual({ status: 'active', lease_owner: null, lease_until: null });
    const { rows } = await db.query(`SELECT 1 FROM provisioner.outbox WHERE event->>'requestId' = $1 AND event->>'type' = 'granted'`, [
      requestId,
    ]);
    expect(rows).toHaveLength(1);
    expect(await eventsOf(nc, service.topology, 'granted', requestId)).toHaveLength(1);
    expect(sim.groupMembers(aws.id)).toEqual([alice.oktaId]);
    // The membership was added twice, once by each process: Okta's PUT is idempotent, so that is one membership.
    expect(calls.filter((call) => call.method === 'PUT' && call.path === `/api/v1/groups/${aws.id}/users/${alice.oktaId}`)).toHaveLength(2);
  });
});
