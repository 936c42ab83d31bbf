import { expect, test } from '@playwright/test';
import { startNativeHistogramExporter, type NativeHistogramExporter } from '../../server/src/testing/native-histogram-exporter.ts';
import { prometheusMissing, startPrometheus, waitForSeries, type RunningPrometheus } from '../../server/src/testing/prometheus.ts';
import { Seeder, baseURL, expectAccessible, onPhoneInLight, screenshot, signIn } from './support.ts';

const MISSING = prometheusMissing();

/** A source whose Prometheus answers native histograms: the explorer says what it cannot draw instead of failing. */
test.describe('metrics explorer over native histograms', () => {
  test.skip(MISSING !== null, `native histogram explorer test ${MISSING}`);
  let prometheus: RunningPrometheus;
  let exporter: NativeHistogramExporter;
  let sourceId: number;

  test.beforeAll(async ({ request }) => {
    exporter = await startNativeHistogramExporter({ histogram: 'sco_e2e_request_seconds', gauge: 'sco_e2e_workers', gaugeValue: 4 });
    for (const value of [0.02, 0.2, 0.4, 1.5, 3]) exporter.observe(value);
    prometheus = await startPrometheus({ targets: [exporter.target], flags: ['--enable-feature=native-histograms'] });
    await waitForSeries(prometheus, 'sco_e2e_request_seconds');
    await waitForSeries(prometheus, 'sco_e2e_workers');
    const seeder = new Seeder(request);
    sourceId = (await seeder.call<{ id: number }>('POST', '/datasources', { name: `e2e-prom-nh-${Date.now()}`, type: 'prometheus', url: prometheus.url, scrapeIntervalSeconds: 1 })).id;
  });

  test.afterAll(async () => {
    await prometheus?.stop();
    await exporter?.stop();
  });

  const route = (query: string) => `/explorer?source=${sourceId}&range=15m&q=${encodeURIComponent(query)}`;

  test('explains a histogram-only answer and charts the float series of a mixed one', async ({ page, browser }) => {
    await signIn(page);
    await page.goto(`${baseURL()}/#${route('sco_e2e_request_seconds')}`);
    const note = page.getByRole('status').filter({ hasText: 'native histograms' });
    await expect(note).toContainText('The query answers native histograms (1 series), which a line chart cannot draw. Query a number from them instead:');
    await expect(page.getByText('No data')).toHaveCount(0);
    await expect(page.getByText('0 series drawn, 1 native histogram series not')).toBeVisible();
    await screenshot(page, 'explorer-histograms-only');

    // Each suggestion runs as it reads: the count of observations charts as one series.
    await note.getByRole('button', { name: 'Run histogram_count(rate(sco_e2e_request_seconds[5m]))' }).click();
    await expect(page).toHaveURL(/q=histogram_count/);
    await expect(page.getByTestId('promql-editor')).toHaveText('histogram_count(rate(sco_e2e_request_seconds[5m]))');
    await expect(page.getByRole('img', { name: /^Chart of histogram_count.*: 1 series/ })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'native histograms' })).toHaveCount(0);

    await page.goto(`${baseURL()}/#${route('{__name__=~"sco_e2e_.*"}')}`);
    // The editor follows the URL it was opened at, not the query typed before.
    await expect(page.getByTestId('promql-editor')).toHaveText('{__name__=~"sco_e2e_.*"}');
    await expect(page.getByRole('status').filter({ hasText: '1 of 2 series hold native histograms and are not drawn' })).toBeVisible();
    await expect(page.getByRole('img', { name: /^Chart of .*: 1 series/ })).toBeVisible();
    await screenshot(page, 'explorer-histograms-mixed');
    await expectAccessible(page);

    await onPhoneInLight(browser, route('{__name__=~"sco_e2e_.*"}'), 'explorer-histograms-mixed', async (phone) => {
      await expect(phone.getByRole('status').filter({ hasText: 'native histograms' })).toBeVisible();
      await expect(phone.getByRole('img', { name: /^Chart of .*: 1 series/ })).toBeVisible();
    }, { noSidewaysScroll: true });
  });
});
