// Scoring worker (piscina): fits models and scores feature rows off the event loop. Models
// arrive as bytes in shared memory with each task (the service reads them from the
// registry); each worker deserializes a model once and caches it by id.
import {
  breakoutCrept,
  breakoutNote,
  deserializeModel,
  explain,
  fitModelScored,
  rangeBreakout,
  scoreRows,
  serializeModel,
  withMemberNote,
  type AnomalyModel,
} from '../../../shared/anomaly/index.ts';
import { MODEL_LOAD_FAILED, type ExplainResult, type FitResult, type ScoreResult, type WorkerTask } from './protocol.ts';

/** Deserialized models by id, least recently used first. */
const models = new Map<number, AnomalyModel>();
const MAX_CACHED_MODELS = 2_000;
/** Beyond the models in use: room for a candidate or an explained old version without thrashing. */
const SPARE_MODELS = 8;

function load(bytes: SharedArrayBuffer, id: number, inUse = MAX_CACHED_MODELS): AnomalyModel {
  const cached = models.get(id);
  if (cached) {
    models.delete(id);
    models.set(id, cached);
    return cached;
  }
  try {
    if (bytes.byteLength === 0) throw new Error(`model ${id} does not exist`);
    const model = deserializeModel(new Uint8Array(bytes));
    const keep = Math.min(MAX_CACHED_MODELS, inUse + SPARE_MODELS);
    while (models.size >= keep) models.delete(models.keys().next().value!);
    models.set(id, model);
    return model;
  } catch (error) {
    throw new Error(`${MODEL_LOAD_FAILED}: model ${id} failed to load: ${(error as Error).message}`, { cause: error });
  }
}

export default function run(task: WorkerTask): FitResult | ScoreResult | ExplainResult {
  switch (task.kind) {
    case 'fit': {
      const width = task.rows.length / task.count;
      // The fit scores its rows for the threshold; those scores are the warm-up too (one pass, not three).
      const { model, scores } = fitModelScored(task.spec, { data: task.rows, rows: task.count, cols: width }, {
        ...task.forest,
        contamination: task.contamination,
        trainedFrom: task.trainedFrom,
        trainedTo: task.trainedTo,
      });
      const alarms = scores.reduce((n, s) => n + (s >= model.threshold ? 1 : 0), 0);
      return { model: serializeModel(model), threshold: model.threshold, quantiles: Array.from(model.scoreQuantiles), trainingAlarmRate: alarms / task.count, scores };
    }
    case 'score': {
      const model = load(task.model, task.modelId, task.modelsInUse);
      const width = model.forest.nFeatures;
      const scores = scoreRows(model, { data: task.rows, rows: task.count, cols: width });
      const breakouts: (string | null)[] = [];
      const crept: boolean[] = [];
      for (let r = 0; r < task.count; r++) {
        const row = task.rows.subarray(r * width, (r + 1) * width);
        const breakout = task.breakoutMargin === false ? null : (rangeBreakout(model, row, task.breakoutMargin) ?? null);
        breakouts.push(breakout);
        crept.push(breakout !== null && breakoutCrept(model, row, breakout));
      }
      return { scores, breakouts, crept };
    }
    case 'explain': {
      const model = load(task.model, task.modelId, task.modelsInUse);
      return withMemberNote(explain(model, task.features), task.breakout === undefined ? undefined : breakoutNote(model, task.features, task.breakout));
    }
  }
}
