import { generatedPerson, MAX_GENERATED_PEOPLE, seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { oktaClient, slackClient } from './support/clients.js';

describe('generated people', () => {
  const count = 1000;
  let sim: VendorSim;

  beforeAll(async () => {
    sim = await startVendorSim({ generatedPeople: count });
  });
  afterAll(() => sim.close());

  it('numbers people user0001@example.com … with ids derived from their number, all distinct', () => {
    const people = Array.from({ length: count }, (_, i) => generatedPerson(i + 1));

    expect(people[0]).toMatchObject({ email: 'user0001@example.com', login: 'user0001@example.com', firstName: 'User', lastName: '0001' });
    expect(people[count - 1].email).toBe('user1000@example.com');
    for (const field of ['oktaId', 'slackId', 'email'] as const) expect(new Set(people.map((p) => p[field])).size).toBe(count);
    expect(people.every((p) => /^00u[0-9a-z]{17}$/.test(p.oktaId) && /^U[A-Z0-9]{10}$/.test(p.slackId))).toBe(true);
    expect(generatedPerson(7)).toEqual(generatedPerson(7));
  });

  it('puts every generated person in Okta, ACTIVE and managed by bob, next to the demo people', async () => {
    const okta = oktaClient(sim);
    const last = generatedPerson(count);

    const user = await okta.userApi.getUser({ userId: last.email });

    expect(user).toMatchObject({
      id: last.oktaId,
      status: 'ACTIVE',
      profile: { login: last.email, managerId: seedPeople.bob.oktaId, manager: 'Bob Baker' },
    });
    expect((await okta.userApi.getUser({ userId: generatedPerson(1).oktaId })).profile!.email).toBe('user0001@example.com');
    expect((await okta.userApi.getUser({ userId: seedPeople.alice.email })).id).toBe(seedPeople.alice.oktaId);
    await expect(okta.userApi.getUser({ userId: 'user1001@example.com' })).rejects.toMatchObject({ status: 404 });
  });

  it('puts every generated person in the Slack workspace, found by e-mail and by id', async () => {
    const slack = slackClient(sim);
    const person = generatedPerson(500);

    const byEmail = await slack.users.lookupByEmail({ email: person.email });
    const byId = await slack.users.info({ user: person.slackId });

    expect(byEmail.user).toMatchObject({ id: person.slackId, profile: { email: person.email, real_name: 'User 0500' } });
    expect(byId.user?.profile?.email).toBe(person.email);
    const posted = await slack.chat.postMessage({ channel: person.slackId, text: 'hello' });
    expect(sim.slackMessages(person.email).map((m) => [m.channel, m.text])).toEqual([[posted.channel, 'hello']]);
  });

  it('keeps the generated people across resets, ACTIVE again', async () => {
    const okta = oktaClient(sim);
    const person = generatedPerson(42);
    await okta.userApi.deactivateUser({ userId: person.oktaId });

    sim.reset();

    expect((await okta.userApi.getUser({ userId: person.oktaId })).status).toBe('ACTIVE');
  });

  it.each([-1, 1.5, MAX_GENERATED_PEOPLE + 1])('refuses to start with %p generated people', async (bad) => {
    await expect(startVendorSim({ generatedPeople: bad })).rejects.toThrow(RangeError);
  });
});
