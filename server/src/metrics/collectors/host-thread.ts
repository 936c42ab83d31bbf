import { readHostMetrics } from './host.ts';

/**
 * Piscina task: one reading of the host through systeminformation (servers not on Linux), on
 * the collector's own thread. systeminformation spawns `ps`, `df`, `ip` … and some of it
 * synchronously: on the request thread a reading stalled every request (a sign-in waited up
 * to a second) each collection interval. The thread lives as long as the collector, so
 * systeminformation keeps the previous reading it measures rates against.
 */
export default function readHostInThread({ host, now }: { host: string; now: number }): ReturnType<typeof readHostMetrics> {
  return readHostMetrics(host, now);
}
