import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { makeWebRoot, type WebRootFixture } from './web-root.fixture.ts';

/**
 * The console over plain HTTP at a name other than localhost (the image listens on
 * 0.0.0.0:8787; a LAN address or host name in the browser) stayed blank: the CSP said
 * `upgrade-insecure-requests` (Helmet's default), so Chromium asked for its own scripts at
 * https://, where nothing answers. A real browser is the only witness. Chromium's resolver
 * maps a made-up name to loopback, so the origin is not "potentially trustworthy" as
 * localhost is, without depending on the machine's network.
 */
describe('the web console over plain HTTP', () => {
  let server: TestServer;
  let fixture: WebRootFixture;
  let browser: Browser;

  beforeAll(async () => {
    fixture = makeWebRoot('<!doctype html><title>not run</title><script type="module" src="/assets/index-abc123.js"></script>', {
      'index-abc123.js': 'fetch("/health").then((r) => r.json()).then((health) => { document.title = "ran, health " + health.status; });',
    });
    server = await startTestServer({ listen: true, config: { webRoot: fixture.webRoot } });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP console.example 127.0.0.1'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fixture?.remove();
  });

  /** Opens `path` at a name that is not localhost; the load event waits for the module script to have run, or to have failed. */
  async function openAtForeignName(path: string) {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
    await page.goto(server.url.replace('127.0.0.1', 'console.example') + path, { waitUntil: 'load' });
    return { page, failed };
  }

  it('loads its script and reaches the API at a name that is not localhost', async () => {
    const { page, failed } = await openAtForeignName('/');
    expect(failed).toEqual([]);
    // Polled from the test (page.title() reads through the DevTools protocol): waitForFunction
    // polls by evaluating its predicate in the page, which this page's own CSP refuses
    // ('unsafe-eval') whenever the title is not set at the first look.
    await expect.poll(() => page.title(), { timeout: 60_000 }).toBe('ran, health ok');
  });

  it('shows the API docs too (Swagger UI sets a CSP of its own)', async () => {
    const { failed } = await openAtForeignName('/docs');
    expect(failed).toEqual([]);
  });
});
