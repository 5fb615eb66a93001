import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@jit/events/testing';
import { asApiKey, startIntake, type IntakeHarness } from './support/intake.js';

/** A catalog whose console may last 3 hours in all, its justifications ticket keys. */
const catalogFile = join(mkdtempSync(join(tmpdir(), 'jit-extensions-')), 'catalog.json');
writeFileSync(
  catalogFile,
  JSON.stringify({
    applications: [
      {
        id: 'aws-prod-console',
        name: 'AWS production console',
        oktaGroupId: '00g1awsprodconsole02',
        owners: ['carol@example.com'],
        minDuration: '5m',
        maxDuration: '2h',
        maxTotalDuration: '3h',
        approval: 'manager',
        justification: { pattern: '^(INC|CHG)-\\d+', hint: 'start with the incident or change, e.g. INC-42' },
      },
    ],
  }),
);

describe('extending granted access: POST /v1/requests/:id/extend (real NATS and Postgres)', () => {
  let h: IntakeHarness;
  let people = 0;

  beforeAll(async () => {
    h = await startIntake('intake_extensions', { CATALOG_FILE: catalogFile });
  });

  afterAll(async () => {
    await h?.close();
  });

  /** A request of someone new, approved and granted for an hour from now. */
  async function grantedRequest(): Promise<{ id: string; requester: string }> {
    const requester = `person-${++people}@example.com`;
    const created = await h.call('POST', '/v1/requests', {
      headers: asApiKey(requester),
      body: { applicationId: 'aws-prod-console', duration: '1h', justification: 'INC-7 billing' },
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    await h.publish(id, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } });
    const now = Date.now();
    await h.publish(id, {
      type: 'granted',
      data: {
        requester,
        applicationId: 'aws-prod-console',
        oktaGroupId: '00g1awsprodconsole02',
        oktaUserId: '00u1someone',
        grantedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 3_600_000).toISOString(),
        membership: 'added',
      },
    });
    await h.statusBecomes(id, 'granted');
    return { id, requester };
  }

  const extend = (id: string, requester: string, body: unknown) =>
    h.call('POST', `/v1/requests/${id}/extend`, { headers: asApiKey(requester), body });

  async function extensionsAsked(id: string): Promise<number> {
    return (await h.publishedEvents()).filter((e) => e.requestId === id && e.type === 'extension_requested').length;
  }

  it('asks for an extension: 202 with the extension pending and canExtend false, one extension_requested published', async () => {
    const { id, requester } = await grantedRequest();
    expect((await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey(requester) })).body).toMatchObject({ canExtend: true });

    const answer = await extend(id, requester, { duration: '30m', justification: 'CHG-12 still migrating' });

    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: 'granted', canExtend: false, extension: { status: 'pending', durationSeconds: 1800 } });
    const [asked] = await waitFor(
      async () => {
        const found = (await h.publishedEvents()).filter((e) => e.requestId === id && e.type === 'extension_requested');
        return found.length > 0 && found;
      },
      { what: 'extension_requested published' },
    );
    expect(asked).toMatchObject({
      actor: requester,
      data: { by: requester, durationSeconds: 1800, justification: 'CHG-12 still migrating' },
    });
  });

  it('refuses a second extension while one waits (409), and publishes nothing more', async () => {
    const { id, requester } = await grantedRequest();
    expect((await extend(id, requester, { duration: '30m', justification: 'INC-8 one' })).status).toBe(202);
    await waitFor(async () => (await extensionsAsked(id)) === 1, { what: 'the first extension published' });

    const second = await extend(id, requester, { duration: '10m', justification: 'INC-8 two' });

    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/is waiting for approval$/);
    expect(await extensionsAsked(id)).toBe(1);
  });

  it.each([
    [
      { duration: '2h1m', justification: 'INC-9' },
      /^duration: 2h1m is too long; access to aws-prod-console lasts at most 3h in all, so at most 2h can be added$/,
    ],
    [{ duration: 'later', justification: 'INC-9' }, /^duration: "later" is not/],
    [{ duration: '30m' }, /^justification: is required/],
    [
      { duration: '30m', justification: 'because' },
      /^justification: does not match \^\(INC\|CHG\)-\\d\+; start with the incident or change, e\.g\. INC-42$/,
    ],
  ])('answers 400 naming the field for %j, and publishes nothing', async (body, message) => {
    const { id, requester } = await grantedRequest();

    const answer = await extend(id, requester, body);

    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
    expect(await extensionsAsked(id)).toBe(0);
  });

  it('refuses to extend revoked access, or access being revoked (409), and publishes nothing', async () => {
    const revoked = await grantedRequest();
    await h.publish(revoked.id, { type: 'revoked', data: { reason: 'expired', revokedAt: new Date().toISOString() } });
    await h.statusBecomes(revoked.id, 'revoked');
    const ending = await grantedRequest();
    expect((await h.call('POST', `/v1/requests/${ending.id}/revoke`, { headers: asApiKey(ending.requester) })).status).toBe(202);

    for (const { id, requester } of [revoked, ending]) {
      const answer = await extend(id, requester, { duration: '30m', justification: 'INC-10' });
      expect(answer.status).toBe(409);
      expect(await extensionsAsked(id)).toBe(0);
    }
    expect((await h.call('GET', `/v1/requests/${revoked.id}`, { headers: asApiKey(revoked.requester) })).body.canExtend).toBe(false);
  });

  it('a justification off the pattern is refused at request time too (400 naming justification)', async () => {
    const answer = await h.call('POST', '/v1/requests', {
      headers: asApiKey(`person-${++people}@example.com`),
      body: { applicationId: 'aws-prod-console', duration: '1h', justification: 'just because' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^justification: does not match/);
  });

  it('shows the new expiry once extended, and a denied extension with who denied it', async () => {
    const { id, requester } = await grantedRequest();
    expect((await extend(id, requester, { duration: '30m', justification: 'INC-11' })).status).toBe(202);
    await waitFor(async () => (await extensionsAsked(id)) === 1, { what: 'the extension published' });
    await h.publish(id, { type: 'extension_denied', data: { by: 'bob@example.com', comment: 'hand over to the night shift' } });
    const denied = await waitFor(
      async () => {
        const view = (await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey(requester) })).body;
        return view.extension?.status === 'denied' && view;
      },
      { what: 'the denial shown' },
    );
    expect(denied).toMatchObject({ canExtend: true, extension: { deniedBy: 'bob@example.com', comment: 'hand over to the night shift' } });

    expect((await extend(id, requester, { duration: '15m', justification: 'INC-11 again' })).status).toBe(202);
    const later = new Date(Date.parse(denied.expiresAt) + 900_000).toISOString();
    await h.publish(id, { type: 'extended', data: { by: 'bob@example.com', expiresAt: later } });
    const extended = await waitFor(
      async () => {
        const view = (await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey(requester) })).body;
        return view.expiresAt === later && view;
      },
      { what: 'the new expiry shown' },
    );
    expect(extended.extension).toMatchObject({ status: 'extended', durationSeconds: 900 });
  });
});
