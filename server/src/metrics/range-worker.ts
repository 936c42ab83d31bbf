// Range-query worker (piscina): decodes the chunks a range query read, buckets and
// downsamples them and writes the JSON answer, off the request thread. The answer's bytes
// and the computed columns (which the query cache keeps) are moved back, not copied.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { answerRange, type RangeAnswer, type RangeTask } from './range-answer.ts';

export default function run(task: RangeTask): RangeAnswer {
  const answer = answerRange(task);
  const buffers: ArrayBuffer[] = [answer.json.buffer as ArrayBuffer];
  for (const c of answer.computed) if (c) buffers.push(c.timestamps.buffer as ArrayBuffer, c.values.buffer as ArrayBuffer);
  return move({ [transferableSymbol]: buffers, [valueSymbol]: answer }) as unknown as RangeAnswer;
}
