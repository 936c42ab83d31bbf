// Piscina worker for the benchmark: scores a chunk of rows with a model sent once as bytes.
import { move } from 'piscina';
import { deserializeModel, scoreRows, type AnomalyModel } from '../shared/anomaly/index.ts';

const models = new Map<string, AnomalyModel>();

export default function score(task: { modelId: string; model?: Uint8Array; data: Float64Array; rows: number; cols: number }): unknown {
  let model = models.get(task.modelId);
  if (!model) {
    if (!task.model) throw new Error(`model ${task.modelId} not loaded in this worker`);
    model = deserializeModel(task.model);
    models.set(task.modelId, model);
  }
  return move(scoreRows(model, { data: task.data, rows: task.rows, cols: task.cols }));
}
