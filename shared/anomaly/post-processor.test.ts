import { describe, expect, it } from 'vitest';
import { detectorFeatureSpec, detectorPostProcessOptions, StreamingDetector, type DetectionResult } from './detector.ts';
import { explain, withMemberNote } from './explain.ts';
import { FeatureBuilder } from './features.ts';
import { fitModel, scoreFeatures, scoreRows } from './model.ts';
import { breakoutCrept, breakoutNote, rangeBreakout } from './postprocess.ts';
import { PostProcessor } from './post-processor.ts';
import { createRandom } from './prng.ts';

describe('PostProcessor: one code path', () => {
  it('composed as the server composes it (features, a fitted model, worker verdicts) gives what StreamingDetector gives', () => {
    const random = createRandom(11);
    const start = Date.UTC(2026, 0, 5);
    const rows = Array.from({ length: 700 }, (_, i) => ({
      ts: start + i * 300_000,
      values: { cpu: 40 + 5 * Math.sin(i / 20) + random.next() * 3 + (i === 500 ? 40 : 0) + (i > 600 ? 15 : 0), mem: 60 + random.next() * 2 },
    }));
    expect(compareCompositions(rows, ['cpu', 'mem'], 300).filter((r) => r.isAnomaly).length).toBeGreaterThan(0);
  });

  it('decides a metric creeping out of its range (a disk filling) alike both ways: no page', () => {
    const random = createRandom(13);
    const start = Date.UTC(2026, 0, 5);
    const rows = Array.from({ length: 600 }, (_, i) => ({ ts: start + i * 300_000, values: { disk: 40 + 0.015 * i + 0.2 * random.next() } }));
    expect(compareCompositions(rows, ['disk'], 288).filter((r) => r.isAnomaly)).toEqual([]);
  });

  it("gives the seasonal member's alarms the same explanation words both ways", () => {
    // A daily square wave whose high phase does not come on day 6 (seasonal-member.test.ts).
    const random = createRandom(12);
    const start = Date.UTC(2026, 0, 5);
    const rows = Array.from({ length: 7 * 288 }, (_, i) => {
      const hour = (i % 288) / 12;
      const high = hour >= 8 && hour < 18 && Math.floor(i / 288) !== 6;
      return { ts: start + i * 300_000, values: { requests: (high ? 80 : 20) + 2 * random.next() } };
    });
    const seasonal = compareCompositions(rows, ['requests'], 288).filter((r) => r.isAnomaly && r.cause === 'seasonal');
    expect(seasonal.length).toBeGreaterThan(0);
  });
});

/**
 * Runs `rows` through StreamingDetector and through the server's composition (its own
 * builder and post-processor, the model fitted apart as a worker would, the explanation
 * given the member's words as the service does), expecting the same decisions and words.
 */
function compareCompositions(rows: { ts: number; values: Record<string, number> }[], metrics: string[], train: number): DetectionResult[] {
  const detector = new StreamingDetector({ metrics, minTrainRows: train, retrainEvery: 0 });
  const expected = rows.map((r) => detector.push(r.ts, r.values));
  const spec = detectorFeatureSpec(metrics);
  const builder = new FeatureBuilder(spec);
  const post = new PostProcessor(spec, detectorPostProcessOptions());
  const width = builder.width;
  const history = new Float64Array(train * width);
  let model: ReturnType<typeof fitModel> | undefined;
  rows.forEach((r, i) => {
    const features = builder.push(r.ts, r.values);
    const observed = post.observe(features, builder);
    if (model) {
      const beyond = rangeBreakout(model, features, 0.25) ?? null;
      const verdict = { score: scoreFeatures(model, features), breakout: beyond, crept: beyond !== null && breakoutCrept(model, features, beyond) };
      const got = post.decide(r.ts, verdict, observed, model.threshold);
      const want = expected[i]!;
      expect([got.anomalyScore, got.isAnomaly, got.likelihood, got.cause]).toEqual([want.anomalyScore, want.isAnomaly, want.likelihood, want.cause]);
      // The service: the worker's explanation leads with a breakout's words, then the member's note.
      const breakout = got.cause === 'breakout' && got.metric !== undefined ? breakoutNote(model, features, got.metric) : undefined;
      if (got.isAnomaly) expect(withMemberNote(withMemberNote(explain(model, features), breakout), got.note).summary).toBe(want.explanation?.summary);
    } else {
      expect(expected[i]!.ready).toBe(false);
      history.set(features, i * width);
      if (i + 1 === train) {
        model = fitModel(spec, { data: history, rows: train, cols: width }, { seed: 1, trainedFrom: rows[0]!.ts, trainedTo: r.ts });
        post.warm(scoreRows(model, { data: history, rows: train, cols: width }));
      }
    }
  });
  return expected;
}
