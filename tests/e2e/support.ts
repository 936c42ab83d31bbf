import path from 'node:path';
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { E2E_ADMIN_PASSWORD } from './server-process.ts';

export const ADMIN = { username: 'admin', password: E2E_ADMIN_PASSWORD };
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export function baseURL(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run through tests/e2e/playwright.config.ts');
  return url;
}

/** Seeds data the way any client would: through the HTTP API, as admin. */
export class Seeder {
  private token: string | null = null;
  private alertmanagerKey: string | null = null;
  private readonly request: APIRequestContext;

  constructor(request: APIRequestContext) {
    this.request = request;
  }

  private async auth(): Promise<Record<string, string>> {
    if (!this.token) {
      const response = await this.request.post(`${baseURL()}/api/v1/auth/login`, { data: ADMIN });
      expect(response.ok(), await response.text()).toBeTruthy();
      this.token = ((await response.json()) as { accessToken: string }).accessToken;
    }
    return { authorization: `Bearer ${this.token}` };
  }

  async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', apiPath: string, data?: unknown): Promise<T> {
    const send = async () => this.request.fetch(`${baseURL()}/api/v1${apiPath}`, { method, headers: await this.auth(), ...(data === undefined ? {} : { data }) });
    let response = await send();
    // A slow run can outlive the access token (15 minutes): sign in again, as a client would.
    if (response.status() === 401) {
      this.token = null;
      response = await send();
    }
    expect(response.ok(), `${method} ${apiPath}: ${await response.text()}`).toBeTruthy();
    return (response.status() === 204 ? null : await response.json()) as T;
  }

  ingest(series: Array<{ name: string; labels: Record<string, string>; samples: Array<[number, number]> }>) {
    return this.call('POST', '/metrics/ingest', { series });
  }

  /** Fires an alert through the Alertmanager receiver with an API key, as a real Alertmanager would. */
  async fireAlert(labels: Record<string, string>, summary: string): Promise<void> {
    this.alertmanagerKey ??= (await this.call<{ secret: string }>('POST', '/api-keys', { name: `e2e-alertmanager-${Date.now()}`, role: 'operator' })).secret;
    const response = await this.request.post(`${baseURL()}/api/v1/integrations/alertmanager`, {
      headers: { authorization: `Bearer ${this.alertmanagerKey}` },
      data: {
        version: '4',
        status: 'firing',
        alerts: [{ status: 'firing', labels, annotations: { summary }, startsAt: new Date(Date.now() - 60_000).toISOString() }],
      },
    });
    expect(response.ok(), await response.text()).toBeTruthy();
  }

  /** Resolves an alert fired by `fireAlert` (same labels), as Alertmanager does when it clears. */
  async resolveAlert(labels: Record<string, string>, summary: string): Promise<void> {
    this.alertmanagerKey ??= (await this.call<{ secret: string }>('POST', '/api-keys', { name: `e2e-alertmanager-${Date.now()}`, role: 'operator' })).secret;
    const now = Date.now();
    const response = await this.request.post(`${baseURL()}/api/v1/integrations/alertmanager`, {
      headers: { authorization: `Bearer ${this.alertmanagerKey}` },
      data: {
        version: '4',
        status: 'resolved',
        alerts: [{ status: 'resolved', labels, annotations: { summary }, startsAt: new Date(now - 120_000).toISOString(), endsAt: new Date(now).toISOString() }],
      },
    });
    expect(response.ok(), await response.text()).toBeTruthy();
  }
}

export async function signIn(page: Page, username = ADMIN.username, password = ADMIN.password): Promise<void> {
  await page.goto(`${baseURL()}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** axe-core over the whole page: no serious or critical violation allowed. */
export async function expectAccessible(page: Page): Promise<void> {
  // At rest: a notification or dialog still fading in has blended colours that axe reads as
  // low contrast (CI once caught a toast's text at 3.68:1 mid-fade, 4.5:1 and more once shown).
  // Endless animations (loaders) are not waited for.
  await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getComputedTiming().endTime === Infinity));
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => `${node.target.join(' ')} ${node.any[0]?.message ?? ''}`).slice(0, 3).join(' | ')}`);
  expect(blocking, `accessibility of ${page.url()}`).toEqual([]);
}

/** Nothing in the header is pushed off screen or hidden behind another item. */
export async function expectHeaderFits(page: Page, width: number): Promise<void> {
  const header = page.locator('header');
  // From 768 px the navigation is always shown, so there is no burger to open it; below it
  // the ChatOps button is the header's too (Shell.tsx) rather than floating over the page.
  const phone = width < 768 ? [/Toggle navigation/, /Open ChatOps chat/] : [];
  for (const name of [...phone, /Search or jump to/, /Switch light \/ dark theme/, /account menu/]) {
    const item = header.getByRole('button', { name }).first();
    await expect(item).toBeVisible();
    const box = await item.boundingBox();
    expect(box, String(name)).not.toBeNull();
    expect(box!.x + box!.width, `${String(name)} inside ${width} px`).toBeLessThanOrEqual(width);
  }
  await expect(page.getByTestId('live-indicator')).toBeVisible();
  expect(await header.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
}

/** No badge shows "…": each badge's label is as wide as its text. */
export async function expectNoTruncatedBadges(page: Page): Promise<void> {
  const cut = await page.locator('main .mantine-Badge-label').evaluateAll((labels) =>
    labels.filter((label) => label.scrollWidth > label.clientWidth + 1).map((label) => label.textContent));
  expect(cut).toEqual([]);
}

/** The phone size every phone check uses (an iPhone 12-14 class screen). */
export const PHONE = { width: 390, height: 844 };

/**
 * A phone (touch, 390 x 844) signed in as admin and showing the overview; `body` runs with
 * its page, and the phone's browser context is closed after it, whatever happens.
 */
export async function signedInOnPhone(
  browser: Browser,
  { colorScheme }: { colorScheme?: 'light' | 'dark' },
  body: (page: Page) => Promise<void>,
): Promise<void> {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, ...(colorScheme ? { colorScheme } : {}) });
  const page = await context.newPage();
  try {
    await signIn(page);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await body(page);
  } finally {
    await context.close();
  }
}

/**
 * The same view on a phone in the light theme: signed in, opened at `route`, `ready` waits
 * for its content; then a screenshot `<name>-phone-light` and axe. With
 * `noSidewaysScroll`, the page must also fit the screen's width.
 */
export async function onPhoneInLight(
  browser: Browser,
  route: string,
  name: string,
  ready: (page: Page) => Promise<void>,
  { noSidewaysScroll = false }: { noSidewaysScroll?: boolean } = {},
): Promise<void> {
  await signedInOnPhone(browser, { colorScheme: 'light' }, async (page) => {
    await page.goto(`${baseURL()}/#${route}`);
    await ready(page);
    if (noSidewaysScroll) {
      // Against the phone's own width: a mobile browser widens its layout viewport (and
      // window.innerWidth with it) to fit a page that is too wide, so that comparison always held.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling').toBeLessThanOrEqual(PHONE.width);
    }
    await screenshot(page, `${name}-phone-light`);
    await expectAccessible(page);
  });
}

/**
 * Nothing inside a card (Mantine Paper) of the page reaches past the card's right edge:
 * a table or a row wider than its card runs over the border instead of wrapping.
 */
export async function expectNothingPastCardEdges(page: Page): Promise<void> {
  const past = await page.locator('main .mantine-Paper-root').evaluateAll((papers) => papers.flatMap((paper) => {
    const edge = paper.getBoundingClientRect().right;
    const title = paper.getAttribute('aria-label') ?? paper.querySelector('h2, h3')?.textContent ?? '';
    return [...paper.querySelectorAll('*')]
      .filter((element) => element.getBoundingClientRect().width > 0 && element.getBoundingClientRect().right > edge + 0.5)
      .map((element) => `${title}: ${element.tagName.toLowerCase()}.${element.className.toString().split(' ').pop() ?? ''} ends at ${Math.round(element.getBoundingClientRect().right)} > ${Math.round(edge)}`);
  }));
  expect(past).toEqual([]);
}
