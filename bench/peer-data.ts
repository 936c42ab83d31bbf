/**
 * The data set of `bench:peer`: 200 series (10 metrics × 20 hosts) × 24 h at 10 s, with
 * node_exporter-like shapes (ratios, byte gauges, counters, load, constants), generated
 * from a seed so that Prometheus and our server get exactly the same samples.
 */
import { createRandom } from '../shared/anomaly/prng.ts';

export const HOSTS = 20;
export const METRICS = 10;
export const INTERVAL_MS = 10_000;
export const POINTS = 8640;

export interface BenchSeries {
  name: string;
  labels: Record<string, string>;
  values: Float64Array;
}

/** Seeded (mulberry32): every run sees the same data. */
const random = (seed: number): (() => number) => createRandom(seed).next;

export function hostName(h: number): string {
  return `h${String(h).padStart(2, '0')}`;
}

export function generateSeries(): BenchSeries[] {
  const out: BenchSeries[] = [];
  for (let h = 0; h < HOSTS; h++) {
    for (let m = 0; m < METRICS; m++) {
      const next = random(1 + h * METRICS + m);
      const values = new Float64Array(POINTS);
      let v = next();
      for (let i = 0; i < POINTS; i++) {
        switch (m) {
          case 0:
          case 1: // utilisation ratio, 3 decimals
            v = Math.min(1, Math.max(0, v + (next() - 0.5) * 0.02));
            values[i] = Math.round(v * 1000) / 1000;
            break;
          case 2:
          case 3: // bytes in use, whole pages
            v = Math.max(0, v + Math.round((next() - 0.5) * 64)) || 1e5;
            values[i] = v * 4096;
            break;
          case 4:
          case 5: // counters
            values[i] = (i === 0 ? Math.floor(next() * 1e6) : values[i - 1]!) + Math.floor(next() * 1000);
            break;
          case 6: // load, 2 decimals
            v = Math.max(0, v + (next() - 0.5) * 0.1);
            values[i] = Math.round(v * 100) / 100;
            break;
          case 7:
          case 8: // nearly constant (sizes, limits)
            if (i === 0 || next() < 0.001) v = Math.floor(next() * 1000) * 1_048_576;
            values[i] = v;
            break;
          default: // temperature, 1 decimal
            v = 40 + Math.max(-10, Math.min(40, (v - 40) * 0.99 + (next() - 0.5) * 2));
            values[i] = Math.round(v * 10) / 10;
        }
      }
      out.push({ name: `node_bench_${m}`, labels: { host: hostName(h), job: 'node' }, values });
    }
  }
  return out;
}

/** The series in OpenMetrics text, for `promtool tsdb create-blocks-from openmetrics`. */
export function* openMetricsLines(series: readonly BenchSeries[], start: number): Generator<string> {
  const byName = new Map<string, BenchSeries[]>();
  for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, members] of byName) {
    yield `# TYPE ${name} gauge\n`;
    for (const s of members) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      const lines: string[] = [];
      for (let i = 0; i < POINTS; i++) lines.push(`${name}{${labels}} ${s.values[i]} ${(start + i * INTERVAL_MS) / 1000}\n`);
      yield lines.join('');
    }
  }
  yield '# EOF\n';
}
