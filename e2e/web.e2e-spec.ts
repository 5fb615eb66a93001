import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitFor } from '@jit/events/testing';
import { seedGroups, seedPeople } from '../tools/vendor-sim/src/index.js';
import { launchBrowser, personContext, seriousViolations, signIn } from './support/browser.js';
import { ApiClient, oktaGroupMembers, startSystem, type RunningSystem } from './support/system.js';

const awsGroup = seedGroups.awsProdConsole.id;

describe('the web app in a real browser', () => {
  let system: RunningSystem;
  let webUrl: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    system = await startSystem('web');
    // The intake people open: it calls approval and audit, whose ports are known only now.
    const intake = await system.start('intake', { APPROVAL_URL: system.urls.approval, AUDIT_URL: system.urls.audit });
    webUrl = intake.url;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await system?.stop();
  });

  async function pageFor(screen: 'desktop' | 'phone' = 'desktop'): Promise<Page> {
    const context = await personContext(browser, screen);
    contexts.push(context);
    return context.newPage();
  }

  /** Messages on the system's stream: what has been published, whoever published it. */
  async function published(): Promise<number> {
    const nc = await connect({ servers: system.natsUrl, name: 'web-test' });
    try {
      const info = await (await jetstreamManager(nc)).streams.info(system.stream);
      return info.state.messages;
    } finally {
      await nc.close();
    }
  }

  /** Follows a link of the main navigation. */
  async function navigate(page: Page, link: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
  }

  /** A GET sent with its path exactly as given, which clients that normalise URLs would not send. */
  function rawGet(path: string, cookie: string): Promise<number | undefined> {
    const { hostname, port } = new URL(webUrl);
    return new Promise((resolve, reject) => {
      const sent = httpRequest({ host: hostname, port, path, headers: { cookie } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      sent.once('error', reject);
      sent.end();
    });
  }

  async function expectAccessible(page: Page): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
  }

  it('refuses a request without a justification or above the maximum duration next to the field, and publishes nothing', async () => {
    const page = await pageFor();
    await signIn(page, webUrl, 'Alice Anders');
    const before = await published();
    await navigate(page, 'Request access');
    await page.getByRole('radio', { name: 'AWS production console' }).check();
    await page.getByLabel('Duration', { exact: true }).fill('1h');
    await page.getByRole('button', { name: 'Request access' }).click();

    const justification = page.getByLabel('Justification', { exact: true });
    await page.locator('#justification-error').waitFor();
    expect(await justification.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#justification-error').textContent()).toBe('Say why you need the access');
    expect(await justification.getAttribute('aria-describedby')).toContain('justification-error');
    await expectAccessible(page);

    await justification.fill('INC-42: the refund queue is stuck');
    await page.getByLabel('Duration', { exact: true }).fill('5h');
    await page.getByRole('button', { name: 'Request access' }).click();
    const durationError = page.locator('#duration-error');
    await durationError.waitFor();
    expect(await durationError.textContent()).toMatch(/5h is out of bounds.*between 5m and 4h/);
    expect(await page.getByLabel('Duration', { exact: true }).getAttribute('aria-describedby')).toContain('duration-error');
    await expectAccessible(page);

    expect(await published()).toBe(before);
    const alice = await ApiClient.as(system, seedPeople.alice.email);
    expect((await alice.call('intake', 'GET', '/v1/requests')).body.requests).toEqual([]);
  });

  it('alice asks, bob approves, alice sees the grant counting down and gives it up; dave finds it, reads the access report and the whole timeline, and verifies the chain', async () => {
    // Alice on a phone-sized screen: the request form, then her request pending on bob.
    const alice = await pageFor('phone');
    await signIn(alice, webUrl, 'Alice Anders');
    await expectAccessible(alice);
    await navigate(alice, 'Request access');
    await alice.getByLabel('Search applications').fill('aws');
    await alice.getByRole('radio', { name: 'AWS production console' }).check();
    await alice.getByRole('button', { name: '1 hour' }).click();
    expect(await alice.getByLabel('Duration', { exact: true }).inputValue()).toBe('1h');
    await alice.getByLabel('Justification', { exact: true }).fill('INC-42: the refund queue is stuck');
    await expectAccessible(alice);
    await alice.getByRole('button', { name: 'Request access' }).click();
    await alice.getByRole('heading', { level: 1, name: 'My requests' }).waitFor();
    const card = alice.getByRole('listitem').filter({ hasText: 'aws-prod-console' });
    await card.getByText('Pending').waitFor();
    await card.getByText('bob@example.com').waitFor({ timeout: 30_000 });
    await expectAccessible(alice);

    // Bob approves it.
    const bob = await pageFor();
    await signIn(bob, webUrl, 'Bob Baker');
    await navigate(bob, 'To approve');
    const approval = bob.getByRole('listitem').filter({ hasText: 'alice@example.com' });
    await approval.getByText('INC-42: the refund queue is stuck').waitFor({ timeout: 30_000 });
    await expectAccessible(bob);
    await approval.getByRole('button', { name: 'Approve' }).click();
    await bob.getByText('Nothing waits on you.').waitFor();

    // Alice sees it granted, with a countdown and an expiry in her time zone; Okta has her in the group.
    await card.getByText('Granted').waitFor({ timeout: 30_000 });
    await card.getByText(/\d+ minutes? left/).waitFor();
    expect(await card.textContent()).toMatch(/CES?T/);
    await expectAccessible(alice);
    await waitFor(async () => (await oktaGroupMembers(system, awsGroup)).includes(seedPeople.alice.oktaId), {
      timeoutMs: 30_000,
      what: 'alice in the Okta group',
    });

    // She gives it up: revoked, because she gave it up, and Okta no longer has her.
    await card.getByRole('button', { name: 'Give up access' }).click();
    await card.getByText('Revoked').waitFor({ timeout: 30_000 });
    await card.getByText(/because you gave it up/).waitFor();
    expect(await oktaGroupMembers(system, awsGroup)).not.toContain(seedPeople.alice.oktaId);
    expect(await alice.getByRole('status').first().textContent()).toContain('revoked');

    // Dave, the auditor, finds it and reads its timeline.
    const dave = await pageFor();
    await signIn(dave, webUrl, 'Dave Diaz');
    await navigate(dave, 'Audit');
    await expectAccessible(dave);
    await dave.getByLabel('Requester').fill('alice@example.com');
    await dave.getByRole('button', { name: 'Search' }).click();
    await dave.getByRole('link', { name: /Timeline of/ }).waitFor();

    // The access report for the application, on the page and as CSV, and the chain verified.
    await dave.getByRole('region', { name: 'Access report' }).getByLabel('Application id').fill('aws-prod-console');
    await dave.getByRole('button', { name: 'Show report' }).click();
    const report = dave.getByRole('table').filter({ hasText: 'Periods of access' });
    await report.getByText('alice@example.com').waitFor();
    expect(await report.textContent()).toMatch(/bob@example\.com.*relinquished/);
    const [download] = await Promise.all([dave.waitForEvent('download'), dave.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toContain('requester');
    expect(csv).toContain('alice@example.com');
    await dave.getByRole('button', { name: 'Verify' }).click();
    await dave.getByText(/The chain is intact: records 1 to \d+ checked/).waitFor();
    await expectAccessible(dave);

    await dave.getByRole('link', { name: /Timeline of/ }).click();
    await dave.getByRole('heading', { level: 1, name: 'Timeline' }).waitFor();
    const timeline = dave.getByRole('list', { name: 'Events' });
    for (const step of [
      'Asked for access',
      'Approvers resolved',
      'Approved',
      'Access started',
      'Jira ticket opened',
      'Asked to end access',
      'Access ended',
    ]) {
      await timeline
        .getByRole('heading', { name: new RegExp(`^${step}`) })
        .first()
        .waitFor();
    }
    const text = await timeline.textContent();
    expect(text).toContain('bob@example.com');
    expect(text).toContain(awsGroup);
    expect(text).toMatch(/Jira issue\s*JIT-\d+/);
    await expectAccessible(dave);
    // The longest walk of the file: five people and three pages each; past a minute when the suite shares two cores.
  }, 120_000);

  it('alice extends her granted sandbox access from My requests, within what the application lets her add without approval', async () => {
    const alice = await pageFor();
    await signIn(alice, webUrl, 'Alice Anders');
    await navigate(alice, 'Request access');
    await alice.getByRole('radio', { name: 'Demo sandbox' }).check();
    await alice.getByLabel('Duration', { exact: true }).fill('10m');
    await alice.getByLabel('Justification', { exact: true }).fill('trying the extension');
    await alice.getByRole('button', { name: 'Request access' }).click();
    const card = alice.getByRole('listitem').filter({ hasText: 'demo-sandbox' });
    await card.getByText('Granted').waitFor({ timeout: 30_000 });
    const api = await ApiClient.as(system, seedPeople.alice.email);
    const mine = async () =>
      (
        (await api.call('intake', 'GET', '/v1/requests?status=granted')).body.requests as {
          applicationId: string;
          id: string;
          expiresAt: string;
        }[]
      ).find((r) => r.applicationId === 'demo-sandbox')!;
    const before = await mine();

    await card.getByRole('button', { name: 'Extend' }).click();
    const form = alice.getByRole('form', { name: 'Extend demo-sandbox' });
    await form.getByLabel('Extend by').fill('15m');
    await form.getByLabel('Why').fill('the test needs a little longer');
    await expectAccessible(alice);
    await form.getByRole('button', { name: 'Ask to extend' }).click();

    const extended = await waitFor(
      async () => {
        const now = await mine();
        return Date.parse(now.expiresAt) > Date.parse(before.expiresAt) && now;
      },
      { timeoutMs: 30_000, what: 'the expiry moved' },
    );
    expect(Date.parse(extended.expiresAt) - Date.parse(before.expiresAt)).toBe(15 * 60_000);
    await card.getByText(/2\d minutes? left/).waitFor({ timeout: 10_000 });
    await card.getByRole('button', { name: 'Give up access' }).click();
    await card.getByText('Revoked').waitFor({ timeout: 30_000 });
  });

  it('a deny asks bob for a reason and decides nothing without one; alice reads the reason', async () => {
    const asAlice = await ApiClient.as(system, seedPeople.alice.email);
    const submitted = await asAlice.call('intake', 'POST', '/v1/requests', {
      applicationId: 'github-admin',
      duration: '30m',
      justification: 'fix the branch protection of the payments repository',
    });
    expect(submitted.status).toBe(202);

    const bob = await pageFor();
    await signIn(bob, webUrl, 'Bob Baker');
    await navigate(bob, 'To approve');
    const approval = bob.getByRole('listitem').filter({ hasText: 'GitHub organisation admin' });
    await approval.getByRole('button', { name: 'Deny' }).click({ timeout: 30_000 });
    const before = await published();
    await approval.getByRole('button', { name: 'Deny' }).click();
    const reason = approval.getByLabel('Reason for denying');
    await approval.getByText('Say why you deny it: the requester will read this').waitFor();
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(await published()).toBe(before);
    await expectAccessible(bob);

    await reason.fill('use the break-glass account for this');
    await approval.getByRole('button', { name: 'Deny' }).click();
    await bob.getByText('Nothing waits on you.').waitFor();

    const alice = await pageFor();
    await signIn(alice, webUrl, 'Alice Anders');
    const card = alice.getByRole('listitem').filter({ hasText: 'github-admin' });
    await card.getByText('Denied').waitFor({ timeout: 30_000 });
    await card.getByText('use the break-glass account for this').waitFor();
  });

  it("bob approves alice's extension of her AWS console access on the web, shown as an extension with the time it ends now, and the expiry moves", async () => {
    const asAlice = await ApiClient.as(system, seedPeople.alice.email);
    const asBob = await ApiClient.as(system, seedPeople.bob.email);
    const submitted = await asAlice.call('intake', 'POST', '/v1/requests', {
      applicationId: 'aws-prod-console',
      duration: '30m',
      justification: 'INC-77: replay the stuck payments',
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    await waitFor(
      async () => (await asBob.call('approval', 'POST', `/v1/approvals/${id}/decision`, { decision: 'approve' })).status === 200,
      {
        timeoutMs: 30_000,
        what: 'bob to approve the request',
      },
    );
    const granted = await waitFor(
      async () => {
        const request = (await asAlice.call('intake', 'GET', `/v1/requests/${id}`)).body as { status: string; expiresAt: string };
        return request.status === 'granted' && request;
      },
      { timeoutMs: 30_000, what: 'the grant' },
    );
    const extend = await asAlice.call('intake', 'POST', `/v1/requests/${id}/extend`, {
      duration: '20m',
      justification: 'INC-77: the replay is half way',
    });
    expect(extend.status).toBe(202);

    const bob = await pageFor();
    await signIn(bob, webUrl, 'Bob Baker');
    await navigate(bob, 'To approve');
    const card = bob.getByRole('listitem').filter({ hasText: 'INC-77: the replay is half way' });
    await card.getByText('Extension', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await card.textContent()).toMatch(/Extend by\s*20 minutes/);
    await expectAccessible(bob);
    await card.getByRole('button', { name: 'Approve' }).click();
    await bob.getByText('Nothing waits on you.').waitFor();

    const extended = await waitFor(
      async () => {
        const request = (await asAlice.call('intake', 'GET', `/v1/requests/${id}`)).body as { expiresAt: string };
        return Date.parse(request.expiresAt) > Date.parse(granted.expiresAt) && request;
      },
      { timeoutMs: 30_000, what: 'the expiry moved' },
    );
    expect(Date.parse(extended.expiresAt) - Date.parse(granted.expiresAt)).toBe(20 * 60_000);
    expect((await asAlice.call('intake', 'POST', `/v1/requests/${id}/revoke`, {})).status).toBeLessThan(300);
  });

  it('keeps the session in an HttpOnly SameSite cookie, serves a CSP, and refuses calls without a session or the CSRF token, publishing nothing', async () => {
    const anonymous = await fetch(`${webUrl}/web/api/v1/requests`);
    expect(anonymous.status).toBe(401);
    expect((await fetch(`${webUrl}/web/session`)).status).toBe(401);

    const page = await pageFor();
    const landing = await page.goto(`${webUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await expectAccessible(page);
    const csp = landing!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    await signIn(page, webUrl, 'Carol Chen');
    const [cookie] = (await page.context().cookies(webUrl)).filter((c) => c.name === 'jit-session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    const before = await published();
    const body = { applicationId: 'demo-sandbox', duration: '1h', justification: 'forged' };
    const request = page.context().request;
    const withoutToken = await request.post(`${webUrl}/web/api/v1/requests`, { data: body });
    const wrongToken = await request.post(`${webUrl}/web/api/v1/requests`, { data: body, headers: { 'x-csrf-token': 'guess' } });
    const notTheWebApps = await request.get(`${webUrl}/web/api/v1/admin/keys`);
    // Sent as written (a browser or fetch would resolve the dots first): the dots cannot climb out of the allowed APIs.
    const climbing = await rawGet(`/web/api/v1/requests/../admin/keys`, `${cookie.name}=${cookie.value}`);
    expect(climbing).toBe(404);

    expect([withoutToken.status(), wrongToken.status(), notTheWebApps.status()]).toEqual([403, 403, 404]);
    expect((await withoutToken.json()).error.message).toMatch(/X-CSRF-Token/);
    expect(await published()).toBe(before);
    const carol = await ApiClient.as(system, seedPeople.carol.email);
    expect((await carol.call('intake', 'GET', '/v1/requests')).body.requests).toEqual([]);
  });

  it('after sign-in returns only to a page of its own, never to another site', async () => {
    const page = await pageFor();
    await page.goto(`${webUrl}/auth/login?returnTo=${encodeURIComponent('//evil.example/x')}`);
    await page.getByRole('button', { name: 'Sign in as Bob Baker' }).click();
    await page.getByRole('heading', { level: 1, name: 'My requests' }).waitFor();
    expect(new URL(page.url()).origin).toBe(webUrl);
  });
});
