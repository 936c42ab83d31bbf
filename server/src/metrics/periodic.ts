import type { Logger } from 'pino';
import { withSpan } from '../observability/tracing.ts';

export interface PeriodicTask {
  stop(): void;
}

/**
 * Runs `task` every `intervalMs` (first after `firstDelayMs`), never two at once (a slow
 * run delays the next rather than piling up), logging failures instead of stopping. The
 * signal tells a run still awaiting something that it was stopped meanwhile, so it does
 * not write into a closed database. The timer does not keep the process alive.
 */
export function runPeriodically(
  name: string,
  intervalMs: number,
  task: (signal: AbortSignal) => Promise<unknown> | unknown,
  log: Logger,
  firstDelayMs = 0,
): PeriodicTask {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      // Each run is the root of its own trace, with the database calls it makes beneath it.
      await withSpan(`job ${name}`, { attributes: { 'smartcloudops.job': name } }, () => task(controller.signal));
    } catch (error) {
      log.warn({ err: error, task: name }, 'periodic task failed');
    }
    if (!controller.signal.aborted) timer = setTimeout(tick, intervalMs).unref();
  };
  timer = setTimeout(tick, firstDelayMs).unref();
  return {
    stop() {
      controller.abort();
      clearTimeout(timer);
    },
  };
}
