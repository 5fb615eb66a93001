// `npm run screenshots`: writes a picture of each page of the web app to docs/screenshots/, for the README.
// It runs the whole system as the browser tests do (the NATS and Postgres of TEST_NATS_URL and TEST_DATABASE_URL,
// by default the ones on loopback), walks alice's request through bob's approval to dave's timeline, and
// photographs each page on the way.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { waitFor } from '@jit/events/testing';
import { buildWebAppIfStale } from '../tools/dev/web-build.js';
import { launchBrowser, personContext, signIn } from './support/browser.js';
import { root } from './support/processes.js';
import { startSystem } from './support/system.js';

const folder = join(root, 'docs/screenshots');

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
}

await buildWebAppIfStale();
const system = await startSystem('screenshots');
const browser = await launchBrowser();
try {
  const intake = await system.start('intake', { APPROVAL_URL: system.urls.approval, AUDIT_URL: system.urls.audit });
  const web = intake.url;
  const nav = (page: Page, link: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();

  const alice = await (await personContext(browser)).newPage();
  await alice.goto(`${web}/`);
  await shoot(alice, 'sign-in');
  await alice.getByRole('link', { name: 'Sign in' }).click();
  await shoot(alice, 'idp-sign-in-as');
  await alice.getByRole('button', { name: 'Sign in as Alice Anders' }).click();
  await alice.getByRole('heading', { level: 1, name: 'My requests' }).waitFor();

  await nav(alice, 'Request access');
  await alice.getByRole('radio', { name: 'AWS production console' }).check();
  await alice.getByLabel('Duration', { exact: true }).fill('6h');
  await alice.getByRole('button', { name: 'Request access' }).click();
  await alice.locator('#justification-error').waitFor();
  await shoot(alice, 'request-access-errors');
  await alice.getByRole('button', { name: '1 hour' }).click();
  await alice.getByLabel('Justification', { exact: true }).fill('INC-42: the refund queue is stuck');
  await shoot(alice, 'request-access');
  await alice.getByRole('button', { name: 'Request access' }).click();
  const card = alice.getByRole('listitem').filter({ hasText: 'aws-prod-console' });
  await card.getByText('bob@example.com').waitFor({ timeout: 30_000 });
  await shoot(alice, 'my-requests-pending');

  const bob = await (await personContext(browser)).newPage();
  await signIn(bob, web, 'Bob Baker');
  await nav(bob, 'To approve');
  const approval = bob.getByRole('listitem').filter({ hasText: 'alice@example.com' });
  await approval.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 30_000 });
  await shoot(bob, 'to-approve');
  await approval.getByRole('button', { name: 'Approve' }).click();
  await bob.getByText('Nothing waits on you.').waitFor();

  await card.getByText('Granted').waitFor({ timeout: 30_000 });
  await card.getByText(/left/).waitFor();
  await shoot(alice, 'my-requests-granted');
  const phone = await (await personContext(browser, 'phone')).newPage();
  await signIn(phone, web, 'Alice Anders');
  await phone.getByText('Granted').waitFor();
  await shoot(phone, 'phone-my-requests');
  await card.getByRole('button', { name: 'Give up access' }).click();
  await card.getByText('Revoked').waitFor({ timeout: 30_000 });

  const dave = await (await personContext(browser)).newPage();
  await signIn(dave, web, 'Dave Diaz');
  await nav(dave, 'Audit');
  await dave.getByLabel('Requester').fill('alice@example.com');
  await dave.getByRole('button', { name: 'Search' }).click();
  await dave.getByRole('link', { name: /Timeline of/ }).waitFor();
  await dave.getByRole('button', { name: 'Show report' }).click();
  await dave.getByRole('button', { name: 'Verify' }).click();
  await dave.getByText(/The chain is intact/).waitFor();
  await shoot(dave, 'audit');
  await dave.getByRole('link', { name: /Timeline of/ }).click();
  await waitFor(async () => (await dave.getByRole('heading', { name: /^Access ended/ }).count()) > 0, { timeoutMs: 30_000 });
  await shoot(dave, 'timeline');
} finally {
  await browser.close();
  await system.stop();
}
