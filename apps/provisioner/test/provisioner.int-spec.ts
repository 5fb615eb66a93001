import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { SystemClock, createEvent, type AccessEvent, type EventDraft } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOf, publish, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { seedGroups, seedPeople, startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { provisionerService } from '../src/service.js';
import { requested } from './support/requested.js';
import { jiraAccount, simulatorEnv } from './support/vendor-env.js';

const clock = new SystemClock();
const jiraAuth = `Basic ${Buffer.from(`${jiraAccount.email}:${jiraAccount.token}`).toString('base64')}`;
const aws = seedGroups.awsProdConsole;
const alice = seedPeople.alice;

function event(requestId: string, draft: EventDraft, actor = 'service:test'): AccessEvent {
  return createEvent(draft, { requestId, actor }, clock);
}

const finalApproval: EventDraft = { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } };

describe('provisioner', () => {
  let sim: VendorSim;
  let nc: NatsConnection;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let db: pg.Client;

  beforeAll(async () => {
    sim = await startVendorSim();
    nc = await connectTestNats();
    service = await startTestService(provisionerService, {
      env: simulatorEnv(sim, {
        // Each injected fault should reach the revocation loop rather than be absorbed by in-place retries.
        OKTA_MAX_RETRIES: '0',
        GRANT_TICK_MS: '50',
        GRANT_BACKOFF_BASE_MS: '100',
        REVOKE_TICK_MS: '50',
        REVOKE_BACKOFF_BASE_MS: '100',
        TICKET_TICK_MS: '50',
        TICKET_BACKOFF_BASE_MS: '100',
        // Long enough for any call on a loaded machine, short enough for the hung-call test.
        JIRA_TIMEOUT_MS: '3000',
      }),
    });
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

  // Okta back to its seed and no grant left over: each test starts with nobody holding access, so an
  // earlier test's grant of the same person and group never justifies a membership this one ends.
  beforeEach(async () => {
    sim.reset();
    await db.query(`DELETE FROM provisioner.grants`);
  });

  // The ticket loop runs behind the Okta work: let it finish before the simulator is reset for the next test.
  afterEach(() =>
    waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT 1 FROM provisioner.grants
           WHERE granted_at IS NOT NULL AND (ticket_key IS NULL OR (status = 'revoked' AND ticket_closed_at IS NULL))`,
        );
        return rows.length === 0;
      },
      { what: 'every Jira step done' },
    ),
  );

  async function oktaMembers(groupId: string): Promise<string[]> {
    const response = await fetch(`${sim.url}/api/v1/groups/${groupId}/users`, { headers: { authorization: 'SSWS x' } });
    const users = (await response.json()) as Array<{ id: string }>;
    return users.map((u) => u.id);
  }

  async function metric(labels: string): Promise<number> {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`jit_events_handled_total{${labels}}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  async function jiraIssue(key: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${sim.url}/rest/api/3/issue/${key}`, { headers: { authorization: jiraAuth } });
    return { status: response.status, body: await response.json() };
  }

  /** The key of the ticket the ticket loop opened for a grant. */
  async function ticketKeyOf(requestId: string): Promise<string> {
    return waitFor(
      async () => {
        const { rows } = await db.query(`SELECT ticket_key FROM provisioner.grants WHERE request_id = $1`, [requestId]);
        return rows[0]?.ticket_key ?? undefined;
      },
      { what: `the Jira ticket of ${requestId}` },
    );
  }

  async function single<T extends AccessEvent['type']>(type: T, requestId: string): Promise<AccessEvent<T>> {
    const [found] = await waitFor(
      async () => {
        const events = await eventsOf(nc, service.topology, type, requestId);
        return events.length > 0 && events;
      },
      { what: `a ${type} event for ${requestId}` },
    );
    return found;
  }

  async function grantAlice(): Promise<{ requestId: string; granted: AccessEvent<'granted'> }> {
    const requestId = randomUUID();
    await publish(nc, service.topology, event(requestId, { type: 'requested', data: requested(alice.email) }, alice.email));
    await publish(nc, service.topology, event(requestId, finalApproval, 'bob@example.com'));
    return { requestId, granted: await single('granted', requestId) };
  }

  it('a final approval adds the requester to the Okta group and publishes granted until grantedAt + duration; a Jira issue records it', async () => {
    const { requestId, granted } = await grantAlice();

    expect(await oktaMembers(aws.id)).toEqual([alice.oktaId]);
    expect(granted.data).toMatchObject({
      requester: alice.email,
      applicationId: 'aws-prod-console',
      oktaGroupId: aws.id,
      oktaUserId: alice.oktaId,
    });
    expect(Date.parse(granted.data.expiresAt) - Date.parse(granted.data.grantedAt)).toBe(7200 * 1000);
    const opened = await single('ticket_opened', requestId);
    expect(opened.data.ticketKey).toBe(await ticketKeyOf(requestId));
    const issue = await jiraIssue(opened.data.ticketKey);
    expect(issue.status).toBe(200);
    expect(issue.body.fields).toMatchObject({
      summary: 'JIT access: alice@example.com → AWS Production Console for 2h',
      status: { name: 'To Do' },
    });
    expect(JSON.stringify(issue.body.fields.description)).toContain(granted.requestId);
    expect(JSON.stringify(issue.body.fields.description)).toContain('Approved by: bob@example.com');
  });

  it('an expiry removes the membership, publishes revoked (expired), and the Jira issue is commented on and closed', async () => {
    const { requestId, granted } = await grantAlice();

    await publish(
      nc,
      service.topology,
      event(requestId, { type: 'expired', data: { expiresAt: granted.data.expiresAt } }, 'service:scheduler'),
    );
    const revoked = await single('revoked', requestId);

    expect(revoked.data.reason).toBe('expired');
    expect(await oktaMembers(aws.id)).toEqual([]);
    const key = await ticketKeyOf(requestId);
    const issue = await waitFor(
      async () => {
        const found = await jiraIssue(key);
        return found.body.fields?.status?.name === 'Done' && found;
      },
      { what: 'the Jira issue closed' },
    );
    expect(issue.body.fields.status).toMatchObject({ name: 'Done' });
    const comments = await fetch(`${sim.url}/rest/api/3/issue/${key}/comment`, { headers: { authorization: jiraAuth } });
    expect(JSON.stringify(await comments.json())).toContain('Access revoked (expired)');
  });

  it('retries a revocation through Okta outages until Okta confirms, publishing revoke_failed for each failed attempt', async () => {
    const { requestId } = await grantAlice();
    sim.addFault({ vendor: 'okta', method: 'DELETE', path: '/api/v1/groups/*', status: 503, count: 2 });

    await publish(
      nc,
      service.topology,
      event(requestId, { type: 'revoke_requested', data: { reason: 'relinquished', by: alice.email } }, alice.email),
    );
    const revoked = await single('revoked', requestId);

    const failures = await eventsOf(nc, service.topology, 'revoke_failed', requestId);
    expect(failures.map((f) => f.data.attempt)).toEqual([1, 2]);
    for (const failure of failures) expect(Date.parse(failure.data.nextAttemptAt!)).toBeGreaterThan(Date.parse(failure.occurredAt));
    expect(revoked.data.reason).toBe('relinquished');
    expect(await oktaMembers(aws.id)).toEqual([]);
    expect(await eventsOf(nc, service.topology, 'revoked', requestId)).toHaveLength(1);
  });

  it('retries a grant through an Okta outage, publishing grant_retrying with the error and the next attempt for each failed one', async () => {
    sim.addFault({ vendor: 'okta', method: 'PUT', path: '/api/v1/groups/*', status: 503, count: 2 });

    const { requestId } = await grantAlice();

    const retries = await eventsOf(nc, service.topology, 'grant_retrying', requestId);
    expect(retries.map((r) => r.data.attempt)).toEqual([1, 2]);
    for (const retry of retries) {
      expect(retry.data.reason).toContain('503');
      expect(Date.parse(retry.data.nextAttemptAt)).toBeGreaterThan(Date.parse(retry.occurredAt));
    }
    expect(await oktaMembers(aws.id)).toEqual([alice.oktaId]);
  });

  it('an unknown requester fails the grant and leaves no membership behind', async () => {
    const requestId = randomUUID();
    const github = seedGroups.githubAdmin;
    await publish(
      nc,
      service.topology,
      event(requestId, { type: 'requested', data: requested('nobody@example.com', github.id) }, 'nobody@example.com'),
    );
    await publish(nc, service.topology, event(requestId, finalApproval, 'bob@example.com'));

    const failed = await single('grant_failed', requestId);
    expect(failed.data.reason).toContain('nobody@example.com');
    expect(await oktaMembers(github.id)).toEqual([]);
    expect(await eventsOf(nc, service.topology, 'granted', requestId)).toEqual([]);
    const { rows } = await db.query(`SELECT status, ticket_key FROM provisioner.grants WHERE request_id = $1`, [requestId]);
    expect(rows).toEqual([{ status: 'failed', ticket_key: null }]);
  });

  it('a grant whose result failed to commit after the Okta call is retried and granted once, with one Jira issue', async () => {
    // The first attempt to activate the grant fails after Okta added the member, as a crash before commit would.
    await db.query(`CREATE SEQUENCE provisioner.activation_faults`);
    await db.query(`CREATE FUNCTION provisioner.fail_first_activation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'active' AND nextval('provisioner.activation_faults') = 1 THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER fail_first_activation BEFORE INSERT OR UPDATE ON provisioner.grants FOR EACH ROW EXECUTE FUNCTION provisioner.fail_first_activation()`,
    );
    try {
      const { requestId } = await grantAlice();

      const { rows } = await db.query(`SELECT last_value FROM provisioner.activation_faults`);
      expect(Number(rows[0].last_value)).toBeGreaterThanOrEqual(2);
      expect(await ticketKeyOf(requestId)).toBe('JIT-1');
      expect((await jiraIssue('JIT-2')).status).toBe(404);
      expect(await eventsOf(nc, service.topology, 'granted', requestId)).toHaveLength(1);
      expect(await oktaMembers(aws.id)).toEqual([alice.oktaId]);
    } finally {
      await db.query(`DROP TRIGGER fail_first_activation ON provisioner.grants`);
      await db.query(`DROP FUNCTION provisioner.fail_first_activation()`);
      await db.query(`DROP SEQUENCE provisioner.activation_faults`);
    }
  });

  it('a ticket whose key failed to commit after Jira opened it is found again, not filed twice', async () => {
    // Jira opens the issue, then recording its key fails, as a crash between the two would.
    await db.query(`CREATE SEQUENCE provisioner.ticket_faults`);
    await db.query(`CREATE FUNCTION provisioner.fail_first_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.ticket_key IS NOT NULL AND OLD.ticket_key IS NULL AND nextval('provisioner.ticket_faults') = 1 THEN
          RAISE EXCEPTION 'injected failure';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER fail_first_ticket BEFORE UPDATE ON provisioner.grants FOR EACH ROW EXECUTE FUNCTION provisioner.fail_first_ticket()`,
    );
    try {
      const { requestId } = await grantAlice();

      expect(await ticketKeyOf(requestId)).toBe('JIT-1');
      const { rows } = await db.query(`SELECT last_value FROM provisioner.ticket_faults`);
      expect(Number(rows[0].last_value)).toBeGreaterThanOrEqual(2);
      expect((await jiraIssue('JIT-2')).status).toBe(404);
      expect(await eventsOf(nc, service.topology, 'ticket_opened', requestId)).toHaveLength(1);
    } finally {
      await db.query(`DROP TRIGGER fail_first_ticket ON provisioner.grants`);
      await db.query(`DROP FUNCTION provisioner.fail_first_ticket()`);
      await db.query(`DROP SEQUENCE provisioner.ticket_faults`);
    }
  });

  it('a Jira call that hangs is given up on after JIRA_TIMEOUT_MS and retried, so the ticket does not wait for it', async () => {
    sim.addFault({ vendor: 'jira', path: '/*', latencyMs: 60_000, count: 1 });
    const { requestId } = await grantAlice();

    expect(await ticketKeyOf(requestId)).toBe('JIT-1');
    const { rows } = await db.query(`SELECT ticket_key, granted_at FROM provisioner.grants WHERE request_id = $1`, [requestId]);
    expect(rows[0].ticket_key).toBe('JIT-1');
  }, 20_000);

  it('a Jira outage delays only the ticket: access is granted and revoked on time, and the ticket follows once Jira is back', async () => {
    sim.addFault({ vendor: 'jira', path: '/*', status: 503 });
    const { requestId, granted } = await grantAlice();
    expect(granted.data.ticketKey).toBeUndefined();
    expect(await oktaMembers(aws.id)).toEqual([alice.oktaId]);
    await waitFor(
      async () =>
        (await db.query(`SELECT 1 FROM provisioner.grants WHERE request_id = $1 AND ticket_attempts > 0`, [requestId])).rowCount === 1,
      { what: 'a failed attempt at the ticket' },
    );

    await publish(
      nc,
      service.topology,
      event(requestId, { type: 'revoke_requested', data: { reason: 'relinquished', by: alice.email } }, alice.email),
    );
    expect((await single('revoked', requestId)).data.reason).toBe('relinquished');
    expect(await oktaMembers(aws.id)).toEqual([]);
    const { rows } = await db.query(`SELECT ticket_key FROM provisioner.grants WHERE request_id = $1`, [requestId]);
    expect(rows).toEqual([{ ticket_key: null }]);

    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    const key = await ticketKeyOf(requestId);
    await waitFor(async () => (await jiraIssue(key)).body.fields?.status?.name === 'Done', { what: 'the late ticket opened and closed' });
    // The audit trail shows the ticket's lag: opened after access was granted, and even after it ended.
    const opened = await single('ticket_opened', requestId);
    const closed = await single('ticket_closed', requestId);
    expect(opened.data).toEqual({ ticketKey: key });
    expect(closed.data).toEqual({ ticketKey: key });
    expect(Date.parse(opened.occurredAt)).toBeGreaterThan(Date.parse(granted.occurredAt));
    expect(Date.parse(closed.occurredAt)).toBeGreaterThanOrEqual(Date.parse(opened.occurredAt));
  });

  it('a grant completed after its request was cancelled is revoked at once (admin), leaving no access behind', async () => {
    const requestId = randomUUID();
    // Okta takes its time adding the member, so the cancellation arrives while the grant is in flight.
    sim.addFault({ vendor: 'okta', method: 'PUT', path: '/api/v1/groups/*', latencyMs: 1500, count: 1 });
    await publish(nc, service.topology, event(requestId, { type: 'requested', data: requested(alice.email) }, alice.email));
    await publish(nc, service.topology, event(requestId, finalApproval, 'bob@example.com'));
    await waitFor(
      async () =>
        (await db.query(`SELECT 1 FROM provisioner.grants WHERE request_id = $1 AND lease_owner IS NOT NULL`, [requestId])).rowCount === 1,
      { what: 'the grant claimed by the granting loop' },
    );
    await publish(nc, service.topology, event(requestId, { type: 'cancelled', data: { by: alice.email } }, alice.email));

    const revoked = await single('revoked', requestId);
    expect(revoked.data.reason).toBe('admin');
    expect(await eventsOf(nc, service.topology, 'granted', requestId)).toHaveLength(1);
    expect(await oktaMembers(aws.id)).toEqual([]);
  });

  it('an approval that arrives before its request waits for it and is then granted', async () => {
    const requestId = randomUUID();
    const notYet = () => metric(`consumer="provisioner",type="approved",outcome="not_yet"`);
    const before = await notYet();
    await publish(nc, service.topology, event(requestId, finalApproval, 'bob@example.com'));
    await waitFor(async () => (await notYet()) > before, { what: 'the early approval answered "not yet"' });
    await publish(nc, service.topology, event(requestId, { type: 'requested', data: requested(alice.email) }, alice.email));

    await single('granted', requestId);
    expect(await oktaMembers(aws.id)).toEqual([alice.oktaId]);
  });

  it('a cancelled request is never granted, even if a final approval follows', async () => {
    const requestId = randomUUID();
    const approval = event(requestId, finalApproval, 'bob@example.com');
    await publish(nc, service.topology, event(requestId, { type: 'requested', data: requested(alice.email) }, alice.email));
    await publish(nc, service.topology, event(requestId, { type: 'cancelled', data: { by: alice.email } }, alice.email));
    await publish(nc, service.topology, approval);
    await waitFor(async () => (await db.query(`SELECT 1 FROM provisioner.inbox WHERE event_id = $1`, [approval.id])).rowCount === 1, {
      what: 'the approval handled',
    });

    const { rows } = await db.query(`SELECT status FROM provisioner.grants WHERE request_id = $1`, [requestId]);
    expect(rows).toEqual([{ status: 'cancelled' }]);
    expect(await oktaMembers(aws.id)).toEqual([]);
    expect(await eventsOf(nc, service.topology, 'granted', requestId)).toEqual([]);
  });
});
