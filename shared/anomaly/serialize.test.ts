import { describe, expect, it } from 'vitest';
import { featureSpec } from './features.ts';
import { fitModel, fitModelScored, scoreRows } from './model.ts';
import { deserializeModel, modelFromBase64, modelToBase64, ModelFormatError, serializeModel } from './serialize.ts';
import { gaussianMatrix } from './test-data.ts';

describe('model serialisation', () => {
  const spec = featureSpec(['cpu', 'mem'], { scales: [{ label: '24 h', seconds: 86_400 }] });
  const rows = gaussianMatrix(3_000, 6, 4);
  const model = fitModel(spec, rows, { seed: 3, trainedFrom: 1_000, trainedTo: 2_000 });

  it('round-trips to the same model and the same scores', () => {
    const bytes = serializeModel(model);
    const back = deserializeModel(bytes);
    expect(back.spec).toEqual(model.spec);
    expect(back.forest.splits).toEqual(model.forest.splits);
    expect(back.forest.leafPath).toEqual(model.forest.leafPath);
    expect(back.threshold).toBe(model.threshold);
    expect(back.trainedTo).toBe(2_000);
    expect(scoreRows(back, rows)).toEqual(scoreRows(model, rows));
    expect(serializeModel(back)).toEqual(bytes);
  });

  it('the scores a fit returns for its training rows are, bit for bit, what the stored model gives them', () => {
    // The server warms a new scorer up on these instead of scoring the window again in a worker.
    const fitted = fitModelScored(spec, rows, { seed: 3, trainedFrom: 1_000, trainedTo: 2_000 });
    const stored = deserializeModel(serializeModel(fitted.model));
    const again = scoreRows(stored, rows);
    expect(fitted.scores).toHaveLength(rows.rows);
    for (let i = 0; i < rows.rows; i++) expect(Object.is(fitted.scores[i], again[i])).toBe(true);
    expect(fitted.model.threshold).toBe(model.threshold);
  });

  it('round-trips through base64', () => {
    const back = modelFromBase64(modelToBase64(model));
    expect(scoreRows(back, rows)).toEqual(scoreRows(model, rows));
  });

  it('is compact: 100 trees of psi 256 take about 150 KB, so 1,000 targets fit in 256 MB', () => {
    const size = serializeModel(model).length;
    expect(size).toBeLessThan(160_000);
    expect(size * 1_000).toBeLessThan(256 * 1024 * 1024);
  });

  it('rejects foreign, truncated and future-version bytes with a clear error', () => {
    const bytes = serializeModel(model);
    expect(() => deserializeModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))).toThrow(ModelFormatError);
    expect(() => deserializeModel(bytes.subarray(0, bytes.length - 2))).toThrow(ModelFormatError);
    const future = bytes.slice();
    future[4] = 99;
    expect(() => deserializeModel(future)).toThrow(/newer/);
  });
});
