import { useSyncExternalStore } from 'react';
import type { RunOutputEventData } from '../../../../shared/api/runbooks.ts';

/**
 * Output of running steps as the stream delivers it, per run and step, until the run's
 * record (with the stored output) replaces it. Kept outside the query cache: it is
 * appended to, never fetched.
 */
const output = new Map<number, Map<number, string>>();
const listeners = new Set<() => void>();
/** Live output kept per run in the console; the server keeps the full (capped) record. */
const MAX_CHARS = 200_000;

export function appendRunOutput(data: RunOutputEventData): void {
  const steps = new Map(output.get(data.runId) ?? []);
  steps.set(data.seq, ((steps.get(data.seq) ?? '') + data.text).slice(-MAX_CHARS));
  output.set(data.runId, steps);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const EMPTY = new Map<number, string>();

/** Live output of one run, by step sequence number. */
export function useRunOutput(runId: number): ReadonlyMap<number, string> {
  return useSyncExternalStore(subscribe, () => output.get(runId) ?? EMPTY, () => EMPTY);
}
