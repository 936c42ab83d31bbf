import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../../shared/anomaly/index.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { AnomalyEventStore } from './event-store.ts';
import { ModelRegistry } from './registry.ts';

describe.each(testDatabases())('anomaly event store on $name', (database) => {
  const databases = useTestDatabase(database);

  it.skipIf(database.skip)('keeps one event per target and time when an alarm is raised again (a sample scored again after a crash)', async () => {
    const { sql } = await databases.twoLayers('sco-anomaly-events-');
    const model = await new ModelRegistry(sql[0], () => 1_000).add({ target: 'web-1', createdBy: 'system', trainedFrom: 0, trainedTo: 1, trainRows: 10, params: {}, scoreDistribution: { quantiles: [], threshold: 0.5 }, evaluation: {}, model: new Uint8Array([0x53, 0x43, 0x41, 0x4d]) }, 'active');
    const events = new AnomalyEventStore(sql[0]);
    const explanation = (summary: string) => ({ summary, metrics: [], features: [] }) as unknown as Explanation;
    await events.add({ target: 'web-1', ts: 1_000, modelId: model.id, score: 0.9, threshold: 0.6, explanation: explanation('cpu high') });
    await events.add({ target: 'web-1', ts: 1_000, modelId: model.id, score: 0.91, threshold: 0.6, explanation: explanation('cpu high, again') });
    await events.add({ target: 'web-2', ts: 1_000, modelId: model.id, score: 0.8, threshold: 0.6, explanation: explanation('web-2 too') });
    await events.add({ target: 'web-1', ts: 2_000, modelId: model.id, score: 0.7, threshold: 0.6, explanation: explanation('later') });
    const listed = await events.list({ limit: 10 });
    expect(listed.map((e) => `${e.target}@${e.ts}: ${e.summary}`)).toEqual(['web-1@2000: later', 'web-2@1000: web-2 too', 'web-1@1000: cpu high']);
  });
});
