import type { ResolvedVerify } from '../../../shared/api/runbooks.ts';

export class ConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionError';
  }
}

/** `== 1`, `> 0.5`, ... as an operator and a threshold. */
export function parseCondition(text: string): Pick<ResolvedVerify, 'op' | 'threshold'> {
  const match = /^\s*(==|!=|>=|<=|>|<)\s*(-?[0-9]*\.?[0-9]+(?:e-?[0-9]+)?)\s*$/.exec(text);
  if (!match) throw new ConditionError(`"${text}" is not a condition (write e.g. "== 1" or "> 0.5")`);
  return { op: match[1] as ResolvedVerify['op'], threshold: Number(match[2]) };
}

export function holds(value: number, op: ResolvedVerify['op'], threshold: number): boolean {
  switch (op) {
    case '==': return value === threshold;
    case '!=': return value !== threshold;
    case '>=': return value >= threshold;
    case '<=': return value <= threshold;
    case '>': return value > threshold;
    case '<': return value < threshold;
  }
}

/** One value of one series, as a verify source reads it. */
export interface VerifySample {
  labels: Record<string, string>;
  ts: number;
  value: number;
}

/**
 * Where a verify query runs. `metrics` (the server's own store) is built in; a Prometheus
 * data source registers itself under its name (the runbook file says `source: <name>`)
 * and answers an instant PromQL query the same way.
 */
export interface VerifySource {
  /** The newest value of every series the query selects, read no earlier than `since`. */
  read(query: string, since: number): Promise<VerifySample[]> | VerifySample[];
}

/** Verify sources by the name a runbook's `verify.source` gives (promql-verify.ts: `verifySourcesOf`). */
export interface VerifySources {
  get(name: string): Promise<VerifySource | undefined>;
}

/** The part of the metrics service a verify reads. */
export interface MetricsLatestReader {
  findSeries(selector: string): Promise<Array<{ id: number; name: string; labels: Record<string, string> }>>;
  latest(series: Array<{ id: number; name: string; labels: Record<string, string> }>): Promise<Array<{ labels: Record<string, string>; latest: { ts: number; value: number } | null }>>;
}

/** The server's metrics store: a selector's series and their latest samples. */
export function metricsVerifySource(metrics: MetricsLatestReader): VerifySource {
  return {
    async read(query, since) {
      return (await metrics.latest(await metrics.findSeries(query)))
        .filter((series) => series.latest !== null && series.latest.ts >= since)
        .map((series) => ({ labels: series.labels, ts: series.latest!.ts, value: series.latest!.value }));
    },
  };
}

export interface VerifyOutcome {
  ok: boolean;
  detail: string;
}

/**
 * Re-reads the query until every selected series holds the condition with a sample taken
 * after the steps finished (fresh evidence, not the value from before the fix), or the
 * time is up.
 */
export async function verify(
  spec: ResolvedVerify,
  sources: VerifySources,
  options: { now: () => number; intervalMs: number; signal: AbortSignal; log: (line: string) => void },
): Promise<VerifyOutcome> {
  const source = await sources.get(spec.source);
  if (!source) return { ok: false, detail: `no verify source "${spec.source}" is configured` };
  const since = options.now();
  const deadline = since + spec.withinMs;
  // `within` also on the monotonic clock: a wall clock stepped back during the verify kept it
  // (and the run, holding its concurrency) going for as long as the step back.
  const started = performance.now();
  const over = () => options.now() >= deadline || performance.now() - started >= spec.withinMs;
  let last = 'no fresh sample yet';
  for (;;) {
    if (options.signal.aborted) return { ok: false, detail: 'interrupted' };
    try {
      const samples = await source.read(spec.query, since);
      if (samples.length > 0) {
        const failing = samples.filter((s) => !holds(s.value, spec.op, spec.threshold));
        last = samples.map((s) => `${JSON.stringify(s.labels)} = ${s.value}`).join(', ');
        if (failing.length === 0) return { ok: true, detail: `${spec.query} ${spec.op} ${spec.threshold} holds: ${last}` };
      }
    } catch (error) {
      last = `query failed: ${(error as Error).message}`;
    }
    options.log(`verify: ${last}`);
    if (over()) return { ok: false, detail: `${spec.query} ${spec.op} ${spec.threshold} did not hold within ${spec.withinMs} ms (last: ${last})` };
    await sleep(Math.min(options.intervalMs, Math.max(1, Math.min(deadline - options.now(), spec.withinMs - (performance.now() - started)))), options.signal);
  }
}

/** Waits, or returns early when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
