import { expect, test } from '@playwright/test';
import { openMetricsGauge, prometheusMissing, startPrometheus, type RunningPrometheus } from '../../server/src/testing/prometheus.ts';
import { Seeder, baseURL, expectAccessible, signIn } from './support.ts';

const MISSING = prometheusMissing();
const STEP = 60;
const COUNT = 360;
const HOST = 'e2e-sources-1';

/**
 * An incident's metrics panel shows data-source (PromQL) queries: an operator adds one,
 * it is charted over the incident's window through the proxy, and removed again.
 */
test.describe('incident metrics panel with data-source queries', () => {
  test.skip(MISSING !== null, `incident source-query test ${MISSING}`);
  let prometheus: RunningPrometheus;
  let sourceName: string;

  test.beforeAll(async ({ request }) => {
    const end = Math.floor(Date.now() / 1000 / STEP) * STEP - STEP;
    prometheus = await startPrometheus({
      backfill: openMetricsGauge('sco_e2e_checkout_seconds', [{ zone: 'a' }, { zone: 'b' }], { fromSeconds: end - (COUNT - 1) * STEP, stepSeconds: STEP, count: COUNT }, (i, s) => 0.3 + 0.02 * s + 0.05 * Math.sin(i / 15)),
    });
    sourceName = `e2e-incident-prom-${Date.now()}`;
    await new Seeder(request).call('POST', '/datasources', { name: sourceName, type: 'prometheus', url: prometheus.url, scrapeIntervalSeconds: STEP });
  });

  test.afterAll(async () => {
    await prometheus?.stop();
  });

  test('adds a source query to the panel, charts it over the incident window, and removes it', async ({ page, request }) => {
    const seeder = new Seeder(request);
    await seeder.fireAlert({ alertname: 'SlowCheckout', host: HOST, severity: 'warning' }, `Checkout slow on ${HOST}`);
    const alerts = await seeder.call<{ items: Array<{ incidentId: number | null }> }>('GET', `/alerts?label=host%3D${HOST}`);
    const incidentId = alerts.items[0]!.incidentId;
    expect(incidentId).not.toBeNull();

    await signIn(page);
    await page.goto(`${baseURL()}/#/incidents/${incidentId}`);
    await expect(page.getByRole('heading', { level: 2, name: 'Source queries' })).toBeVisible();
    await page.getByRole('combobox', { name: 'Source' }).click();
    await page.getByRole('option', { name: sourceName }).click();
    await page.getByLabel('PromQL query').fill('sco_e2e_checkout_seconds');
    await page.getByLabel('Title (optional)').fill('checkout latency');
    await page.getByRole('button', { name: 'Add query' }).click();

    const chart = page.getByRole('img', { name: /^Chart of checkout latency: 2 series/ });
    await expect(chart).toBeVisible();
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(10);
    await expect(page.getByTestId('source-query')).toContainText(`${sourceName}: sco_e2e_checkout_seconds`);
    // Stored with the incident: a reload shows it again.
    await page.reload();
    await expect(chart).toBeVisible();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Remove source query checkout latency' }).click();
    await expect(page.getByTestId('source-query')).toHaveCount(0);
    expect(await seeder.call<unknown[]>('GET', `/incidents/${incidentId}/source-queries`)).toEqual([]);
  });
});
