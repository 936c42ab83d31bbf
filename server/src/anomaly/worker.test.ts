import { describe, expect, it } from 'vitest';
import { detectorFeatureSpec, FeatureBuilder } from '../../../shared/anomaly/index.ts';
import run from './worker.ts';
import { MODEL_LOAD_FAILED, type FitResult, type ScoreResult } from './protocol.ts';

/** Feature rows of two metrics over `count` samples at 10 s. */
function featureRows(count: number): { spec: ReturnType<typeof detectorFeatureSpec>; rows: Float64Array; width: number } {
  const spec = detectorFeatureSpec(['cpu', 'mem']);
  const builder = new FeatureBuilder(spec);
  const width = builder.width;
  const rows = new Float64Array(count * width);
  for (let i = 0; i < count; i++) builder.push(i * 10_000, { cpu: 50 + Math.sin(i / 10) * 5, mem: 70 + (i % 7) }, rows.subarray(i * width, (i + 1) * width));
  return { spec, rows, width };
}

describe('scoring worker', () => {
  it('keeps about as many deserialized models as the service has in use, the most recently used', () => {
    const { spec, rows, width } = featureRows(300);
    const fit = run({ kind: 'fit', spec, rows, count: 300, forest: { trees: 20, sampleSize: 64, seed: 1 }, contamination: 0.01, trainedFrom: 0, trainedTo: 2_990_000 }) as FitResult;
    const bytes = new SharedArrayBuffer(fit.model.byteLength);
    new Uint8Array(bytes).set(fit.model);
    const empty = new SharedArrayBuffer(0);
    const one = rows.subarray(0, width);
    const score = (modelId: number, model: SharedArrayBuffer) => run({ kind: 'score', model, modelId, rows: one, count: 1, breakoutMargin: false, modelsInUse: 2 }) as ScoreResult;
    // Models 1..11 loaded one after the other, model 1 used again after each: it stays, the others pass through.
    for (let id = 1; id <= 11; id++) {
      score(id, bytes);
      score(1, empty);
    }
    // A cached model answers without its bytes; an evicted one has to be read again.
    expect(score(1, empty).scores).toHaveLength(1);
    expect(score(11, empty).scores).toHaveLength(1);
    expect(() => score(2, empty)).toThrow(MODEL_LOAD_FAILED);
  });

  it("reports a metric beyond its training range as crept when its z-score stays within the window's (a trend), not when it jumps", () => {
    // A day of a disk filling at 4 % a day, 5-minute samples; then the trend 12 hours on, and a jump.
    const spec = detectorFeatureSpec(['disk']);
    const builder = new FeatureBuilder(spec);
    const width = builder.width;
    const day = 288;
    const rows = new Float64Array((day + 2) * width);
    const disk = (i: number) => 40 + (4 * i) / day + 0.05 * Math.sin(i);
    for (let i = 0; i < day; i++) builder.push(i * 300_000, { disk: disk(i) }, rows.subarray(i * width, (i + 1) * width));
    const fit = run({ kind: 'fit', spec, rows: rows.subarray(0, day * width), count: day, forest: { trees: 20, sampleSize: 64, seed: 1 }, contamination: 0.01, trainedFrom: 0, trainedTo: (day - 1) * 300_000 }) as FitResult;
    const bytes = new SharedArrayBuffer(fit.model.byteLength);
    new Uint8Array(bytes).set(fit.model);
    // Fed on to 12 hours later, the last two rows: the trend where it said it would be, then 10 % more.
    for (let i = day; i < day + 144; i++) builder.push(i * 300_000, { disk: disk(i) }, rows.subarray(day * width, (day + 1) * width));
    builder.push((day + 144) * 300_000, { disk: disk(day + 144) + 10 }, rows.subarray((day + 1) * width, (day + 2) * width));
    const scored = run({ kind: 'score', model: bytes, modelId: 99, rows: rows.subarray(day * width), count: 2, breakoutMargin: 0.25 }) as ScoreResult;
    expect(scored.breakouts).toEqual(['disk', 'disk']);
    expect(scored.crept).toEqual([true, false]);
  });
});
