import { expect, test } from '@playwright/test';
import { Seeder, baseURL, expectAccessible, signIn } from './support.ts';

/**
 * Issue 17, proof: axe finds no serious or critical violation on any view, in the dark and
 * the light theme, the new ones (incident page with Markdown notes, replay, the admin pages
 * for alert rules, webhooks, anomaly models and incident grouping) included.
 */
test('every view passes axe in the dark and the light theme', async ({ browser, request }) => {
  // Two themes × every view, each a CPU-bound axe run: a generous ceiling.
  test.setTimeout(3_600_000);
  const seeder = new Seeder(request);
  // A target silent for ten minutes: the overview's fleet card then lists an unhealthy target
  // in red whatever the run's pace (such a line failed contrast only on runs slow enough to show it).
  await seeder.ingest([{ name: 'e2e_silent_ratio', labels: { host: 'e2e-silent-1' }, samples: [[Date.now() - 10 * 60_000, 0.5]] }]);
  const probe = { alertname: 'A11yProbe', service: 'a11y', host: 'e2e-a11y-1', severity: 'critical' };
  await seeder.fireAlert(probe, 'Accessibility probe on e2e-a11y-1');
  const alerts = await expect.poll(async () => (await seeder.call<{ items: Array<{ incidentId: number | null; annotations: Record<string, string> }> }>('GET', '/alerts?limit=500')).items.find((a) => a.annotations.summary === 'Accessibility probe on e2e-a11y-1')?.incidentId ?? null).not.toBeNull()
    .then(() => seeder.call<{ items: Array<{ incidentId: number | null; annotations: Record<string, string> }> }>('GET', '/alerts?limit=500'));
  const incidentId = alerts.items.find((a) => a.annotations.summary === 'Accessibility probe on e2e-a11y-1')!.incidentId!;
  await seeder.call('POST', `/incidents/${incidentId}/notes`, { text: '**Checked** the `a11y` service; see [runbook](https://wiki.example.com/a11y)' });

  const routes = ['/', '/metrics', '/explorer', '/anomalies', '/alerts', '/silences', '/incidents', `/incidents/${incidentId}`, `/incidents/${incidentId}/replay`, '/runbooks', '/approvals', '/admin/users', '/admin/api-keys', '/admin/datasources', '/admin/alert-rules', '/admin/webhooks', '/admin/anomaly-models', '/admin/incident-grouping', '/admin/audit', '/settings'];
  for (const colorScheme of ['dark', 'light'] as const) {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseURL()}/`);
    await test.step(`${colorScheme} sign-in page`, () => expectAccessible(page));
    await signIn(page);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    for (const route of routes) {
      await page.goto(`${baseURL()}/#${route}`);
      await expect(page.locator('main')).toBeVisible();
      await page.waitForLoadState('networkidle');
      await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
      if (route === '/') await expect(page.getByTestId('fleet-unhealthy').first()).toBeVisible();
      await test.step(`${colorScheme} ${route}`, () => expectAccessible(page));
    }
    await context.close();
  }
  // Specs after this one start from "nothing firing".
  await seeder.resolveAlert(probe, 'Accessibility probe on e2e-a11y-1');
});
