import { expect, test } from '@playwright/test';
import { Seeder, expectAccessible, screenshot, signIn } from './support.ts';

const HOST = 'chat-web-1';

test('the chat panel answers with a real chart, confirms an acknowledgement and recalls history', async ({ page, request }) => {
  const seeder = new Seeder(request);
  const now = Date.now();
  await seeder.ingest([{ name: 'node_cpu_utilisation_ratio', labels: { host: HOST }, samples: Array.from({ length: 60 }, (_, i) => [now - (60 - i) * 30_000, 0.4 + 0.2 * Math.sin(i / 6)] as [number, number]) }]);
  await seeder.fireAlert({ alertname: 'ChatDiskFull', host: HOST, severity: 'warning' }, 'Disk almost full');
  const alerts = await seeder.call<{ items: { id: number }[] }>('GET', `/alerts?label=host%3D${HOST}`);
  const alertId = alerts.items[0]!.id;

  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.keyboard.press('Control+j');
  const input = page.getByRole('textbox', { name: 'Chat command' });
  await expect(input).toBeVisible();

  await input.fill(`cpu on ${HOST} last 1h`);
  await input.press('Enter');
  const chart = page.getByTestId('chat-card-chart');
  await expect(chart).toHaveAttribute('data-series', '1');
  await expect(chart.getByTestId('series-line')).toBeVisible();

  await input.fill(`ack ${alertId} rolling back`);
  await input.press('Enter');
  const confirmation = page.getByTestId('chat-card-confirmation');
  await expect(confirmation).toContainText(`alert ${alertId} (ChatDiskFull on ${HOST})`);
  await screenshot(page, 'chat-panel');
  await confirmation.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('chat-card-text').last()).toContainText(`Alert ${alertId} acknowledged`);
  await expect(confirmation.getByRole('button', { name: 'Confirm' })).toHaveCount(0);
  await expect.poll(async () => (await seeder.call<{ state: string; ackComment: string }>('GET', `/alerts/${alertId}`)).ackComment).toBe('rolling back');

  // Up arrow brings back the last line, again the one before.
  await input.press('ArrowUp');
  await expect(input).toHaveValue(`ack ${alertId} rolling back`);
  await input.press('ArrowUp');
  await expect(input).toHaveValue(`cpu on ${HOST} last 1h`);
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  await expect(input).toHaveValue('');

  // The incidents on the host, as a table card.
  await input.fill(`incidents on ${HOST}`);
  await input.press('Enter');
  const incidents = page.getByTestId('chat-card-table').last();
  await expect(incidents).toContainText(`1 unresolved incident on ${HOST}`);
  await expect(incidents.getByRole('table')).toContainText('ChatDiskFull');
  await screenshot(page, 'chat-incidents-list');

  // Resolving the incident from chat: confirmed, then the incident says so.
  const incidentId = (await seeder.call<{ incidentId: number }>('GET', `/alerts/${alertId}`)).incidentId;
  await input.fill(`resolve incident ${incidentId} fixed by cleanup`);
  await input.press('Enter');
  const resolve = page.getByTestId('chat-card-confirmation').last();
  await expect(resolve).toContainText(`Resolve incident ${incidentId}`);
  await expect(resolve).toContainText('with comment "fixed by cleanup"');
  await resolve.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('chat-card-text').last()).toContainText(`Incident ${incidentId} resolved`);
  await expect.poll(async () => (await seeder.call<{ incident: { status: string } }>('GET', `/incidents/${incidentId}`)).incident.status).toBe('resolved');
  await screenshot(page, 'chat-incident-resolved');

  await input.fill('make me a sandwich');
  await input.press('Enter');
  await expect(page.getByTestId('chat-card-error')).toContainText('Not understood');

  // Two metrics asked for in one chart: what would be left out is said, nothing half-charted.
  await input.fill(`show cpu and memory on ${HOST}`);
  await input.press('Enter');
  const twoMetrics = page.getByTestId('chat-card-error').last();
  await expect(twoMetrics).toContainText('would leave out node_memory_utilisation_ratio');
  await expect(page.getByTestId('chat-card-chart')).toHaveCount(1);
  await screenshot(page, 'chat-two-metrics');
  await expectAccessible(page);
});

test('on a phone the chat opens from its button and answers a list of two severities', async ({ page, request }) => {
  const seeder = new Seeder(request);
  const alerts = (['critical', 'warning', 'info'] as const).map((severity) => ({ labels: { alertname: `ChatPhone-${severity}`, host: HOST, severity }, summary: `Phone ${severity}` }));
  for (const alert of alerts) await seeder.fireAlert(alert.labels, alert.summary);
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page);
    await page.getByRole('button', { name: 'Open ChatOps chat' }).click();
    const input = page.getByRole('textbox', { name: 'Chat command' });
    await input.fill(`critical and warning alerts on ${HOST}`);
    await input.press('Enter');
    const table = page.getByTestId('chat-card-table').last();
    await expect(table).toContainText(`critical or warning alerts on ${HOST}`);
    // On a phone each alert is a block of its own (no sideways scroll, no tall wrapped rows).
    const rows = table.getByRole('list', { name: new RegExp(`critical or warning alerts on ${HOST}$`) });
    await expect(rows).toContainText('ChatPhone-critical');
    await expect(rows).toContainText('ChatPhone-warning');
    await expect(rows).not.toContainText('ChatPhone-info');
    await expect(table.getByRole('table')).toHaveCount(0);
    await screenshot(page, 'chat-phone');
    await expectAccessible(page);
  } finally {
    // The server is shared by the specs: later ones start from nothing firing.
    for (const alert of alerts) await seeder.resolveAlert(alert.labels, alert.summary);
  }
});
