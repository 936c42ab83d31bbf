import { expect, test } from '@playwright/test';
import { PHONE, Seeder, baseURL, expectAccessible, expectHeaderFits, expectNoTruncatedBadges, screenshot, signIn } from './support.ts';

/**
 * Where on-call people are (issue 17, item 9): phone (390 px) and tablet (768 px) layouts,
 * browser notifications for critical alerts, Markdown notes with revisions; and the light
 * theme's active navigation link.
 */
test.describe.configure({ mode: 'serial' });

const HOST = 'e2e-phone-1';
const SUMMARY = `Error rate above 5% on ${HOST}`;
const TABLET = { width: 768, height: 1024 };

test('phone: header, alerts, incidents and the incident page as cards, axe in both themes', async ({ browser, request }) => {
  test.setTimeout(1_200_000);
  const seeder = new Seeder(request);
  await seeder.fireAlert({ alertname: 'HighErrorRate', service: 'checkout', host: HOST, severity: 'critical' }, SUMMARY);
  await seeder.fireAlert({ alertname: 'SlowResponses', service: 'checkout', host: HOST, severity: 'warning' }, `p95 latency above 2 s on ${HOST}`);

  for (const colorScheme of ['dark', 'light'] as const) {
    const context = await browser.newContext({ viewport: PHONE, colorScheme, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await expectHeaderFits(page, PHONE.width);

    await page.goto(`${baseURL()}/#/alerts`);
    const card = page.getByRole('listitem', { name: `Alert ${SUMMARY}` });
    await expect(card).toBeVisible();
    await expect(page.getByRole('table', { name: 'Alerts' })).toHaveCount(0);
    await expect(card.getByRole('button', { name: /Acknowledge alert/ })).toBeVisible();
    await expectNoTruncatedBadges(page);
    await expectHeaderFits(page, PHONE.width);
    await screenshot(page, `phone-alerts-${colorScheme}`);
    await expectAccessible(page);

    await page.goto(`${baseURL()}/#/incidents`);
    const incident = page.getByRole('list', { name: 'Incidents' }).getByRole('listitem').filter({ hasText: HOST }).first();
    await expect(incident).toBeVisible();
    await expectNoTruncatedBadges(page);
    await screenshot(page, `phone-incidents-${colorScheme}`);
    await expectAccessible(page);

    await incident.getByRole('link').click();
    await expect(page.getByRole('heading', { level: 2, name: 'Timeline' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Linked alerts' }).getByRole('listitem').first()).toBeVisible();
    await expectNoTruncatedBadges(page);
    await expectHeaderFits(page, PHONE.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling').toBe(true);
    await screenshot(page, `phone-incident-${colorScheme}`);
    await expectAccessible(page);

    // The navigation opens from the burger and closes on a choice.
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await expect(page).toHaveURL(/#\/alerts/);
    await context.close();
  }
});

test('tablet: cards at 768 px, nothing cut off', async ({ browser }) => {
  const context = await browser.newContext({ viewport: TABLET, colorScheme: 'light' });
  const page = await context.newPage();
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expectHeaderFits(page, TABLET.width);
  await page.goto(`${baseURL()}/#/alerts`);
  await expect(page.getByRole('listitem', { name: `Alert ${SUMMARY}` })).toBeVisible();
  await expectNoTruncatedBadges(page);
  await screenshot(page, 'tablet-alerts');
  await page.goto(`${baseURL()}/#/incidents`);
  await expect(page.getByRole('list', { name: 'Incidents' }).getByRole('listitem').first()).toBeVisible();
  await expectNoTruncatedBadges(page);
  await screenshot(page, 'tablet-incidents');
  await expectAccessible(page);
  await context.close();
});

test('light theme: the active navigation link keeps 4.5:1 contrast, hovered or not', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  await signIn(page);
  await page.goto(`${baseURL()}/#/alerts`);
  const active = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' });
  await expect(active).toHaveAttribute('aria-current', 'page');
  await expectAccessible(page);
  await active.hover();
  await expectAccessible(page);
  await context.close();
});

test('notes: Markdown rendered safely, edited, revisions shown', async ({ page, request }) => {
  const seeder = new Seeder(request);
  await seeder.fireAlert({ alertname: 'QueueBacklog', service: 'billing', host: 'e2e-notes-1', severity: 'warning' }, 'Queue backlog on e2e-notes-1');
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
  await signIn(page);
  await page.goto(`${baseURL()}/#/incidents`);
  await page.getByRole('table', { name: 'Incidents' }).getByRole('link', { name: /Queue backlog on e2e-notes-1|e2e-notes-1/ }).first().click();
  await expect(page.getByRole('heading', { level: 2, name: 'Timeline' })).toBeVisible();

  const note = '**Root cause**: consumer stuck on `billing-worker-3`\n\n- restarted it\n- [runbook](https://wiki.example.com/queues)\n\n<img src=x onerror="alert(1)"> [bad](javascript:alert(2))';
  await page.getByRole('textbox', { name: 'Add a note' }).fill(note);
  await page.getByRole('button', { name: 'Add note' }).click();
  const rendered = page.getByTestId('markdown').filter({ hasText: 'Root cause' });
  await expect(rendered.locator('strong')).toHaveText('Root cause');
  await expect(rendered.locator('code')).toHaveText('billing-worker-3');
  await expect(rendered.getByRole('link', { name: 'runbook' })).toHaveAttribute('href', 'https://wiki.example.com/queues');
  await expect(rendered.locator('img')).toHaveCount(0);
  expect(await rendered.getByText('bad').evaluate((element) => element.closest('a')?.getAttribute('href') ?? null)).toBeNull();

  // Found by its id: while it is being edited its rendered text is gone.
  const noteId = await page.locator('[data-testid^="note-"]').filter({ has: rendered }).getAttribute('data-testid');
  const entry = page.getByTestId(noteId!);
  await entry.getByRole('button', { name: /^Edit note/ }).click();
  const editor = entry.getByRole('textbox', { name: 'Note (Markdown)' });
  await editor.fill('**Root cause**: consumer stuck on `billing-worker-3`; fixed by a restart');
  await entry.getByRole('button', { name: 'Save' }).click();
  await expect(entry.getByText(/fixed by a restart/)).toBeVisible();
  await expect(entry.getByText(/edited/)).toBeVisible();
  await entry.getByRole('button', { name: /revisions? of note/ }).click();
  const history = page.getByRole('dialog', { name: 'Note history' });
  // The current text and the one it replaced (direct items: a revision's Markdown has lists of its own).
  await expect(history.getByRole('list', { name: 'Revisions' }).locator(':scope > li')).toHaveCount(2);
  await expect(history.getByText(/^Replaced .* by admin$/)).toBeVisible();
  await expect(history.getByRole('link', { name: 'runbook' })).toBeVisible();
  await screenshot(page, 'note-revisions');
  await expectAccessible(page);
  await history.getByRole('button', { name: 'Close dialog' }).click();
  await screenshot(page, 'note-markdown');
  expect(dialogs, 'no script ran').toEqual([]);
});

test('browser notifications: opt in, a critical alert notifies with sound, a click opens it ready to acknowledge', async ({ browser, request }) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(['notifications'], { origin: baseURL() });
  // Record what the page asks of the Notification and audio APIs (headless Chromium shows nothing).
  await context.addInitScript(() => {
    const record = window as unknown as { __notifications: Array<{ title: string; body?: string; n: Notification }>; __tones: number };
    record.__notifications = [];
    record.__tones = 0;
    const Native = window.Notification;
    class Recorded extends Native {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        record.__notifications.push({ title, body: options?.body, n: this });
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
    const createOscillator = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function patched(this: AudioContext) {
      record.__tones += 1;
      return createOscillator.call(this);
    };
  });
  const page = await context.newPage();
  await signIn(page);
  await page.goto(`${baseURL()}/#/settings`);
  const toggle = page.getByRole('switch', { name: /System notifications with sound/ });
  await expect(toggle).not.toBeChecked();
  await toggle.click({ force: true });
  await expect(toggle).toBeChecked();
  await expect(page.getByTestId('notification-permission')).toHaveAttribute('data-permission', 'granted');
  await screenshot(page, 'settings-notifications');
  await expectAccessible(page);

  const seeder = new Seeder(request);
  const summary = 'Payments failing on e2e-notify-1';
  await seeder.fireAlert({ alertname: 'PaymentsFailing', service: 'payments', host: 'e2e-notify-1', severity: 'critical' }, summary);
  await expect.poll(() => page.evaluate(() => (window as unknown as { __notifications: Array<{ title: string }> }).__notifications.map((n) => n.title))).toContain(`Critical: ${summary}`);
  await expect.poll(() => page.evaluate(() => (window as unknown as { __tones: number }).__tones)).toBeGreaterThan(0);
  // The in-tab toast still shows.
  await expect(page.getByText('Critical alert firing')).toBeVisible();

  await page.evaluate((title) => {
    const found = (window as unknown as { __notifications: Array<{ title: string; n: Notification }> }).__notifications.find((n) => n.title === title);
    found?.n.dispatchEvent(new Event('click'));
  }, `Critical: ${summary}`);
  const dialog = page.getByRole('dialog', { name: 'Acknowledge' });
  await expect(dialog).toContainText(summary);
  await expect(dialog.getByRole('button', { name: 'Acknowledge' })).toBeFocused();
  await screenshot(page, 'acknowledge-from-notification');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect.poll(async () => (await seeder.call<{ items: Array<{ state: string; annotations: Record<string, string> }> }>('GET', '/alerts?state=acknowledged&limit=500')).items.some((alert) => alert.annotations.summary === summary)).toBe(true);
  await context.close();
});
