import { describe, expect, it } from 'vitest';
import os from 'node:os';
import { startTestServer } from '../testing/test-server.ts';
import type { LatestResponse } from '../../../shared/api/metrics.ts';
import type { StreamEvent } from '../../../shared/api/stream.ts';

describe('metrics plugin', () => {
  it('collects the host on its interval once the server is ready, stores and publishes the samples', async () => {
    const server = await startTestServer({ config: { collectIntervalSeconds: 1 } });
    try {
      const published: StreamEvent[] = [];
      server.app.ctx.events.subscribe((event) => published.push(event));
      await server.app.ready();
      const match = encodeURIComponent(`node_memory_total_bytes{host="${os.hostname()}"}`);
      let latest: LatestResponse['series'] = [];
      while (latest.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        latest = ((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/metrics/latest?match=${match}` })).json() as LatestResponse).series;
      }
      expect(latest[0]!.value).toBe(os.totalmem());
      const names = published.flatMap((e) => (e.type === 'samples' ? e.data.map((s) => s.name) : []));
      expect(names).toContain('node_memory_total_bytes');
    } finally {
      await server.close();
    }
  });
});
