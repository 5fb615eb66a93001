import pg from 'pg';
import { waitFor } from '@jit/events/testing';
import { startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { asApiKey, startIntake, type Answer, type IntakeHarness } from './support/intake.js';

const request = { applicationId: 'demo-sandbox', duration: 'PT15M', justification: 'INC-42 needs a look at the sandbox' };

let people = 0;
const someone = (): string => `waiter-${++people}@example.com`;

const finalApproval = { type: 'approved', data: { stage: 0, approver: 'service:approval', final: true } } as const;

// Two connections in the pool (intake needs two to start): waits that held one each would starve every other call.
describe('waiting for a request to change: GET /v1/requests/:id?waitFor=', () => {
  let sim: VendorSim;
  let h: IntakeHarness;

  beforeAll(async () => {
    sim = await startVendorSim();
    h = await startIntake('intake_waits', { OIDC_ISSUER: sim.issuer, DATABASE_POOL_SIZE: '2' });
  });

  afterAll(async () => {
    await h?.close();
    await sim?.close();
  });

  async function submitted(): Promise<string> {
    const { status, body } = await h.call('POST', '/v1/requests', { headers: asApiKey(someone()), body: request });
    expect(status).toBe(202);
    return body.id;
  }

  const wait = (id: string, query: string): Promise<Answer> => h.call('GET', `/v1/requests/${id}?${query}`, { headers: asApiKey() });

  it('answers with the new status as soon as the change it waits for is committed', async () => {
    const id = await submitted();
    const waiting = wait(id, 'waitFor=approved&timeout=60s');
    await h.publish(id, finalApproval);
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id, status: 'approved', wait: { for: 'approved', outcome: 'reached' } });
  });

  it('every committed change of a request is announced, the submission and each event (what wakes the waits)', async () => {
    const listener = new pg.Client({ connectionString: h.databaseUrl });
    await listener.connect();
    let heard = 0;
    listener.on('notification', (message) => {
      if (message.channel === 'intake_request_changed') heard += 1;
    });
    await listener.query('LISTEN intake_request_changed');
    try {
      const id = await submitted();
      await waitFor(() => heard > 0, { what: 'the submission announced' });
      const before = heard;
      await h.publish(id, finalApproval);
      await waitFor(() => heard > before, { what: 'the approval announced' });
    } finally {
      await listener.end();
    }
  });

  it('awaiting_approval answers once the approvers of the current stage are known, so they can decide at once', async () => {
    const id = await submitted();
    const waiting = wait(id, 'waitFor=awaiting_approval&timeout=60s');
    await h.publish(id, { type: 'approval_opened', data: { stages: [{ source: 'manager', approvers: ['bob@example.com'] }] } });
    expect((await waiting).body).toMatchObject({
      status: 'pending',
      approval: { currentStage: 0, waitingOn: ['bob@example.com'] },
      wait: { for: 'awaiting_approval', outcome: 'reached' },
    });
  });

  it('answers at the timeout with the view as it is and says it timed out', async () => {
    const id = await submitted();
    const answer = await wait(id, 'waitFor=granted&timeout=1s');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id, status: 'pending', wait: { for: 'granted', outcome: 'timed_out' } });
  });

  it('answers at once when the status asked for can never come, and when the request has it already', async () => {
    const id = await submitted();
    await h.processed(await h.publish(id, { type: 'denied', data: { by: 'bob@example.com', reason: 'denied_by_approver' } }));
    expect((await wait(id, 'waitFor=granted&timeout=60s')).body).toMatchObject({
      status: 'denied',
      wait: { for: 'granted', outcome: 'unreachable' },
    });
    expect((await wait(id, 'waitFor=denied&timeout=60s')).body).toMatchObject({
      status: 'denied',
      wait: { for: 'denied', outcome: 'reached' },
    });
  });

  it('a change that makes the status asked for impossible ends the wait', async () => {
    const id = await submitted();
    const waiting = wait(id, 'waitFor=granted&timeout=60s');
    await h.call('POST', `/v1/requests/${id}/cancel`, { headers: asApiKey() });
    expect((await waiting).body).toMatchObject({ status: 'cancelled', wait: { for: 'granted', outcome: 'unreachable' } });
  });

  it('waits hold no database connection: with a pool of two, three waits leave other calls answering, and all end on the change', async () => {
    const id = await submitted();
    const waits = [1, 2, 3].map(() => wait(id, 'waitFor=approved&timeout=60s'));
    const settled = { count: 0 };
    waits.forEach((w) => void w.then(() => (settled.count += 1)));

    const other = await submitted();
    expect((await h.call('GET', `/v1/requests/${other}`, { headers: asApiKey() })).body).toMatchObject({ status: 'pending' });
    expect(settled.count).toBe(0);

    await h.publish(id, finalApproval);
    for (const answer of await Promise.all(waits)) {
      expect(answer.body).toMatchObject({ status: 'approved', wait: { for: 'approved', outcome: 'reached' } });
    }
  });

  it('without waitFor the view answers at once, with no wait in it', async () => {
    const id = await submitted();
    const answer = await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey() });
    expect(answer.status).toBe(200);
    expect(answer.body).not.toHaveProperty('wait');
  });

  it.each([
    ['an unknown status', 'waitFor=done', /^waitFor: expected one of pending, approved/],
    ['a timeout over the longest wait', 'waitFor=granted&timeout=2m', /^timeout: must be at most 60s/],
    ['an unreadable timeout', 'waitFor=granted&timeout=soon', /^timeout: "soon" is not/],
    ['a timeout without waitFor', 'timeout=10s', /^timeout: only with waitFor/],
  ])('%s is refused with a 400 naming the field', async (_, query, message) => {
    const id = await submitted();
    const answer = await wait(id, query);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual(expect.objectContaining({ code: 'invalid_request', message: expect.stringMatching(message) }));
  });

  it('a wait on a request the caller may not see is the same 404 as for one that does not exist', async () => {
    const id = await submitted();
    const token = (await sim.mintToken({ sub: 'mallory@example.com' })).access_token;
    const answer = await h.call('GET', `/v1/requests/${id}?waitFor=granted&timeout=5s`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(404);
  });
});

describe('a wait when intake stops', () => {
  it('answers at once as timed out, so a stopping intake is never held up by the waits in flight', async () => {
    const h = await startIntake('intake_waits_stop');
    try {
      const { body } = await h.call('POST', '/v1/requests', { headers: asApiKey(someone()), body: request });
      const waiting = h.call('GET', `/v1/requests/${body.id}?waitFor=granted&timeout=60s`, { headers: asApiKey() });
      // Another call answered after the wait was sent: the wait has most likely begun (one that begins once the stop has, answers at once too).
      await h.call('GET', `/v1/requests/${body.id}`, { headers: asApiKey() });
      const closing = h.close();
      expect((await waiting).body).toMatchObject({ status: 'pending', wait: { for: 'granted', outcome: 'timed_out' } });
      await closing;
    } catch (error) {
      await h.close().catch(() => undefined);
      throw error;
    }
  });
});
