import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it when missing): playwright-core downloads no browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless chromium in a container or CI: no sandbox, GPU, QUIC, first-run or background traffic. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts the browser the web tests and the screenshot script drive. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** Where a person sits: a desktop, or a phone-sized screen. */
export type Screen = 'desktop' | 'phone';

/** A browser context of its own for one person (their own cookies), in a named time zone. */
export function personContext(browser: Browser, screen: Screen = 'desktop'): Promise<BrowserContext> {
  return browser.newContext({
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin',
    ...(screen === 'phone'
      ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 900 } }),
  });
}

/** Signs in at the web app through the simulated IdP's "sign in as" page; ends on the page the app opens with. */
export async function signIn(page: Page, webUrl: string, name: string): Promise<void> {
  await page.goto(`${webUrl}/`);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: `Sign in as ${name}` }).click();
  try {
    await page.getByRole('heading', { level: 1, name: 'My requests' }).waitFor({ timeout: 15_000 });
  } catch (error) {
    throw new Error(
      `signing in as ${name} did not reach My requests; ${page.url()} shows: ${(await page.innerText('body')).slice(0, 1000)}`,
      { cause: error },
    );
  }
}

/** The serious and critical accessibility violations axe-core finds on the page as it is now. */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact!, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}
