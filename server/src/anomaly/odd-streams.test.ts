import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually } from '../testing/eventually.ts';
import { SCORING_FUTURE_TOLERANCE_MS } from './service.ts';

const STEP = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const MIN_TRAIN_ROWS = 50;

/**
 * Streams nobody writes by hand, through the real ingest API: sample times the detection
 * service must survive without stopping a target's scoring.
 */
describe('anomaly scoring of odd streams', () => {
  let server: TestServer;
  /** The server's clock: the present of these tests' samples. */
  let now = T0;
  const random = createRandom(5);

  const ingest = async (host: string, samples: Array<[number, number]>) => {
    const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'x', labels: { host }, samples }] } });
    expect(response.statusCode).toBe(200);
  };
  const scored = async (host: string) => (await server.app.metrics.storage.readScores(host, 0, Number.MAX_SAFE_INTEGER)).length;
  /** `count` samples a minute apart from step `from`, the clock moved to the last. */
  const rows = (from: number, count: number): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let i = from; i < from + count; i++) out.push([T0 + i * STEP, 10 + random.next()]);
    now = T0 + (from + count - 1) * STEP;
    return out;
  };

  beforeAll(async () => {
    server = await startTestServer({ now: () => now, anomaly: { minTrainRows: MIN_TRAIN_ROWS, trainWindow: 200, retrainIntervalMs: 0, workers: 1, forest: { trees: 20, sampleSize: 64, seed: 1 } } });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('keeps scoring a target after a sample stamped far in the future; that sample waits for its time', async () => {
    await ingest('skewed', rows(0, 60));
    await server.app.anomaly.idle();
    expect(await scored('skewed')).toBe(60 - MIN_TRAIN_ROWS);
    // Seconds sent as milliseconds by a broken agent would be in 1970; milliseconds sent as
    // microseconds are far in the future: the largest time the ingest API accepts.
    await ingest('skewed', [[8_640_000_000_000_000, 11]]);
    await server.app.anomaly.idle();
    expect(server.app.anomaly.backlog.waiting).toBe(0);
    await ingest('skewed', rows(60, 20));
    await server.app.anomaly.idle();
    // The later samples are scored (the cursor used to jump to the far-future time, after
    // which every sample of the target was older than it and never scored again).
    expect(await scored('skewed')).toBe(80 - MIN_TRAIN_ROWS);
    expect(server.app.anomaly.backlog.waiting).toBe(0);
    expect(server.app.anomaly.status().scoringFailures).toBe(0);

    // A sample a little ahead of the clock (within the tolerance) is scored at once; one
    // further ahead is scored once the clock has come near it, with the samples before it.
    const near = now + SCORING_FUTURE_TOLERANCE_MS / 2;
    const far = now + 3 * SCORING_FUTURE_TOLERANCE_MS;
    await ingest('skewed', [[near, 10.5], [far, 10.5]]);
    await server.app.anomaly.idle();
    expect(await scored('skewed')).toBe(81 - MIN_TRAIN_ROWS);
    now = far;
    await ingest('skewed', [[far + STEP, 10.5]]);
    await server.app.anomaly.idle();
    expect(await scored('skewed')).toBe(83 - MIN_TRAIN_ROWS);
  });

  it("a metric appearing mid-stream: the model's range for it is its own, not stretched to a made-up 0", async () => {
    const a: Array<[number, number]> = [];
    const b: Array<[number, number]> = [];
    // b's exporter starts at row 120 (the growth refit at 200 rows learns it), and b halves at 230.
    for (let i = 0; i < 240; i++) {
      a.push([T0 + i * STEP, 40 + random.next()]);
      if (i >= 120) b.push([T0 + i * STEP, (i === 230 ? 5e5 : 1e6) + 10 * random.next()]);
    }
    now = T0 + 239 * STEP;
    const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'a', labels: { host: 'appear' }, samples: a }, { name: 'b', labels: { host: 'appear' }, samples: b }] } });
    expect(response.statusCode).toBe(200);
    await server.app.anomaly.idle();
    const events = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/events?target=appear' })).json() as Array<{ ts: number; summary: string }>;
    // The rows before b's first sample read its first value: its range is about 1e6, which
    // the halving leaves (with a made-up 0 there, the range ran from 0 and it did not).
    const halving = events.find((e) => e.ts === T0 + 230 * STEP);
    expect(halving?.summary).toMatch(/^b 5e5, below anything in its training window \(lowest 1e6\); /);
  });

  it('a target with more metrics than a model takes (a scraped exporter) is modelled on those sampled most and scored', async () => {
    const series = Array.from({ length: 100 }, (_, m) => ({
      name: `m${String(m).padStart(3, '0')}`,
      labels: { instance: 'exporter:9100' },
      // m000 has a sample every other row only: it is the one left out first (then by name).
      samples: Array.from({ length: 60 }, (_, i): [number, number] => [T0 + i * STEP, m + random.next()]).filter((_, i) => m !== 0 || i % 2 === 0),
    }));
    now = T0 + 59 * STEP;
    const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series } });
    expect(response.statusCode).toBe(200);
    await server.app.anomaly.idle();
    const models = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/models?target=exporter:9100' })).json() as Array<{ state: string; params: { metrics: string[] } }>;
    // 84 metrics (3 features each, and 2 for the time of day: the forest's 255 at most).
    expect(models.map((m) => [m.state, m.params.metrics.length])).toEqual([['active', 84]]);
    expect([models[0]!.params.metrics[0], models[0]!.params.metrics.at(-1)]).toEqual(['m001', 'm084']);
    expect(await scored('exporter:9100')).toBe(60 - MIN_TRAIN_ROWS);
    expect(server.app.anomaly.status().scoringFailures).toBe(0);
  });

  it('a flat series: no anomaly on rounding noise, one at the change, explained by value and training range', async () => {
    const samples: Array<[number, number]> = [];
    for (let i = 0; i < 160; i++) samples.push([T0 + i * STEP, i < 60 ? 100 : i < 150 ? 100 + (random.next() - 0.5) * 2e-12 : 105]);
    now = T0 + 159 * STEP;
    await ingest('flat', samples);
    await server.app.anomaly.idle();
    const events = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/events?target=flat' })).json() as Array<{ ts: number; summary: string }>;
    expect(events.map((e) => e.ts)).toEqual([T0 + 150 * STEP]);
    // 5 over the z-score's floor (a thousandth of the level, 0.1) is 50σ, or a hair under.
    expect(events[0]!.summary).toMatch(/^x 105, above anything in its training window \(highest 100\); x (50\.0|more than 50)σ above its 24 h mean$/);
    // The alert names the metric (it named the feature furthest from its training median,
    // which for a flat metric could be the time of day).
    const alerts = await eventually(
      async () => (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?source=anomaly' })).json() as { items: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> },
      (list) => list.items.some((a) => a.labels.target === 'flat'),
    );
    expect(alerts.items.find((a) => a.labels.target === 'flat')?.annotations.summary).toBe('Anomalous behaviour on flat (x)');
  });

  it('extreme magnitudes (±1e308, 5e-324, alternating huge and tiny): every score finite, the jump explained in numbers', async () => {
    const shapes: Record<string, (i: number) => number> = {
      'jump-1e308': (i) => (i < 100 ? 0.5 + random.next() * 0.01 : 1e308),
      'jump--1e308': (i) => (i < 100 ? 0.5 + random.next() * 0.01 : -1e308),
      'swing-1e308': (i) => (i % 2 ? 1e308 : -1e308),
      'huge-tiny': (i) => (i % 2 ? 1e308 : 5e-324),
      subnormal: (i) => (i % 2 ? 5e-324 : 0),
    };
    for (const [host, value] of Object.entries(shapes)) {
      const samples = Array.from({ length: 160 }, (_, i): [number, number] => [T0 + i * STEP, value(i)]);
      now = T0 + 159 * STEP;
      await ingest(host, samples);
    }
    await server.app.anomaly.idle();
    for (const host of Object.keys(shapes)) {
      const scores = Array.from((await server.app.metrics.storage.readScores(host, 0, Number.MAX_SAFE_INTEGER)).values as ArrayLike<number>);
      expect(scores.length, host).toBe(160 - MIN_TRAIN_ROWS);
      expect(scores.filter((score) => !Number.isFinite(score)), host).toEqual([]);
    }
    expect(server.app.anomaly.status().scoringFailures).toBe(0);
    const summary = async (host: string) => ((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/events?target=${host}` })).json() as Array<{ ts: number; summary: string }>).find((e) => e.ts === T0 + 100 * STEP)?.summary;
    expect(await summary('jump-1e308')).toMatch(/^x 1e308, above anything in its training window \(highest 5(\.\d)?e-1\); x more than 50σ above its 24 h mean$/);
    expect(await summary('jump--1e308')).toMatch(/^x -1e308, below anything in its training window \(lowest 5e-1\); x more than 50σ below its 24 h mean$/);
  });
});

describe('a metric named __proto__ or constructor', () => {
  it('is modelled and scored like any other (valid Prometheus names; on a plain object __proto__ set the prototype and vanished, constructor read Object)', async () => {
    const server = await startTestServer({ anomaly: { minTrainRows: MIN_TRAIN_ROWS, trainWindow: 200, retrainIntervalMs: 0, workers: 1, forest: { trees: 20, sampleSize: 64, seed: 1 } } });
    try {
      const random = createRandom(9);
      const samples = (offset: number) => Array.from({ length: 60 }, (_, i): [number, number] => [T0 + i * STEP, offset + random.next()]);
      const response = await server.injectAs('admin', {
        method: 'POST',
        url: '/api/v1/metrics/ingest',
        payload: `{"series":[{"name":"__proto__","labels":{"host":"proto"},"samples":${JSON.stringify(samples(5))}},{"name":"constructor","labels":{"host":"proto"},"samples":${JSON.stringify(samples(20))}},{"name":"cpu","labels":{"host":"proto"},"samples":${JSON.stringify(samples(50))}}]}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(200);
      await server.app.anomaly.idle();
      const models = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/models?target=proto' })).json() as Array<{ state: string; params: { metrics: string[] } }>;
      expect(models.map((m) => [m.state, m.params.metrics])).toEqual([['active', ['__proto__', 'constructor', 'cpu']]]);
      expect((await server.app.metrics.storage.readScores('proto', 0, Number.MAX_SAFE_INTEGER)).length).toBe(60 - MIN_TRAIN_ROWS);
    } finally {
      await server.close();
    }
  });
});
