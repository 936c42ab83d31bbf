import { describe, expect, it } from 'vitest';
import { detectorFeatureSpec, detectorPostProcessOptions, StreamingDetector } from './detector.ts';
import { FeatureBuilder } from './features.ts';
import { fitModel, scoreFeatures, scoreRows } from './model.ts';
import { rangeBreakout } from './postprocess.ts';
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
    const train = 300;
    const detector = new StreamingDetector({ metrics: ['cpu', 'mem'], minTrainRows: train, retrainEvery: 0 });
    const expected = rows.map((r) => detector.push(r.ts, r.values));

    // The server's side: its own builder and post-processor, the model fitted apart (a worker).
    const spec = detectorFeatureSpec(['cpu', 'mem']);
    const builder = new FeatureBuilder(spec);
    const post = new PostProcessor(spec, detectorPostProcessOptions());
    const width = builder.width;
    const history = new Float64Array(train * width);
    let model: ReturnType<typeof fitModel> | undefined;
    rows.forEach((r, i) => {
      const features = builder.push(r.ts, r.values);
      const spike = post.observe(features, builder);
      if (model) {
        const verdict = { score: scoreFeatures(model, features), breakout: rangeBreakout(model, features, 0.25) ?? null };
        const got = post.decide(r.ts, verdict, spike, model.threshold);
        const want = expected[i]!;
        expect([got.anomalyScore, got.isAnomaly, got.likelihood, got.cause]).toEqual([want.anomalyScore, want.isAnomaly, want.likelihood, want.cause]);
      } else {
        expect(expected[i]!.ready).toBe(false);
        history.set(features, i * width);
        if (i + 1 === train) {
          model = fitModel(spec, { data: history, rows: train, cols: width }, { seed: 1, trainedFrom: rows[0]!.ts, trainedTo: r.ts });
          post.warm(scoreRows(model, { data: history, rows: train, cols: width }));
        }
      }
    });
    expect(expected.filter((r) => r.isAnomaly).length).toBeGreaterThan(0);
  });
});
