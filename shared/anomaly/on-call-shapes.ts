import { CounterRates } from './counter-rates.ts';
import { StreamingDetector, type DetectorOptions } from './detector.ts';
import { createRandom, type Random } from './prng.ts';

/**
 * Shapes of on-call metrics nobody wrote into a test by hand (docs/anomaly.md, "Shapes"):
 * seeded, a few days at 5 minutes each, so a run of all of them takes seconds. Each shape
 * says what a reasonable on-call engineer expects of it: no alarm at all, or alarms only in
 * a window (`wanted`: the change they should hear about), at most `most` of them there.
 * `runShape` streams one through the detector and sorts its alarms by that.
 */
export interface Shape {
  name: string;
  metric: string;
  /** Epoch ms, increasing. */
  times: number[];
  /** undefined: the sample is missing from its row (a scrape that failed). */
  values: Array<number | undefined>;
  /** Rows [from, to) where alarms are wanted; none: any alarm is a false alarm. */
  wanted?: { from: number; to: number };
  /** Most alarms wanted in that window (1: page once, then adapt). */
  most?: number;
  /** Rows [from, to) where one alarm is understandable but not wanted (neither found nor false). */
  tolerated?: { from: number; to: number };
}

export interface ShapeAlarm {
  index: number;
  cause: string;
  summary: string;
}

export interface ShapeRun {
  shape: Shape;
  alarms: ShapeAlarm[];
  /** Alarms outside the wanted and tolerated windows (all of them when nothing is wanted). */
  falseAlarms: ShapeAlarm[];
  /** Alarms in the tolerated window. */
  tolerated: ShapeAlarm[];
  /** Alarms inside the wanted window. */
  found: ShapeAlarm[];
}

const STEP_MS = 300_000;
const DAY = 288;
/** A Monday, so the weekend is days 5 and 6. */
const START = Date.UTC(2026, 0, 5);

function gaussian(random: Random): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

function regular(rows: number): number[] {
  return Array.from({ length: rows }, (_, i) => START + i * STEP_MS);
}

/** Hour of the day (0..24) and day of the week (0 Monday .. 6 Sunday) of a row's time. */
function clock(ms: number): { hour: number; weekday: number } {
  const days = (ms - START) / 86_400_000;
  return { hour: (days % 1) * 24, weekday: Math.floor(days) % 7 };
}

/**
 * `incident`: also plant the shape's own incident, an hour (INCIDENT_ROWS samples) half a
 * day before the end, which the engineer wants to hear about (a miss otherwise).
 */
type Generator = (random: Random, incident: boolean) => Omit<Shape, 'name'>;

const INCIDENT_ROWS = 12;

/** The planted incident's rows of a shape of `rows` samples, and the window its alarm may come in (up to an hour after). */
function incidentAt(rows: number): { row: number; wanted: { from: number; to: number }; during: (i: number) => boolean } {
  const row = rows - DAY / 2;
  return { row, wanted: { from: row, to: row + 2 * INCIDENT_ROWS }, during: (i) => i >= row && i < row + INCIDENT_ROWS };
}

/** A shape of `rows` regular samples from `value(i)`, with `incidentValue(i, normal)` during the planted incident. */
function planted(metric: string, rows: number, incident: boolean, value: (i: number, t: number) => number | undefined, incidentValue: (normal: number | undefined, i: number) => number): Omit<Shape, 'name'> {
  const times = regular(rows);
  const at = incidentAt(rows);
  const values = times.map((t, i) => {
    const normal = value(i, t);
    return incident && at.during(i) ? incidentValue(normal, i) : normal;
  });
  return { metric, times, values, ...(incident ? { wanted: at.wanted } : {}) };
}

const GENERATORS: Record<string, Generator> = {
  /** A gauge that never moves (a replica count, a configured limit); the incident: it reads 0. */
  constant: (_, incident) => planted('replicas', 3 * DAY, incident, () => 4, () => 0),
  /** The same, until someone changes it for good: one alarm at the change, then quiet. */
  'constant then one change': () => {
    const times = regular(3 * DAY);
    const change = 2 * DAY + 17;
    return { metric: 'replicas', times, values: times.map((_, i) => (i < change ? 4 : 6)), wanted: { from: change, to: change + DAY }, most: 1 };
  },
  /** A queue length: integers 0-3, mostly 0; the incident: the consumer stops and it climbs past 10. */
  'integer gauge, mostly 0': (random, incident) => {
    const at = incidentAt(5 * DAY);
    return planted('queue_length', 5 * DAY, incident, () => {
      const u = random.next();
      return u < 0.85 ? 0 : u < 0.95 ? 1 : u < 0.99 ? 2 : 3;
    }, (_, i) => 4 + (i - at.row));
  },
  /** A request counter read as its per-second rate, the process restarting twice a day (counter reset); the incident: traffic triples. */
  'counter rate with resets': (random, incident) => {
    const rows = 5 * DAY;
    const at = incidentAt(rows);
    const rates = new CounterRates();
    let total = 0;
    return planted('rate(requests_total)', rows, incident, (i, t) => {
      if (i % 150 === 149) total = 0;
      total += Math.max(0, Math.round(300 * (50 + 5 * gaussian(random)) * (incident && at.during(i) ? 3 : 1)));
      return rates.rate('requests_total', t, total);
    }, (normal) => normal ?? 0);
  },
  /** Sampled now and then: irregular steps of 1-20 minutes and gaps of 2-8 hours; the incident: the last hour reads 3x. */
  'sparse, irregular, gaps of hours': (random, incident) => {
    const times: number[] = [];
    let t = START;
    while (times.length < 900) {
      times.push(t);
      t += random.next() < 0.01 ? (2 + 6 * random.next()) * 3_600_000 : (1 + Math.floor(19 * random.next())) * 60_000;
    }
    const from = times.findIndex((x) => x >= times.at(-1)! - 3_600_000);
    const values = times.map((_, i) => (incident && i >= from ? 36 : 12) + gaussian(random));
    return { metric: 'batch_latency_seconds', times, values, ...(incident ? { wanted: { from, to: times.length } } : {}) };
  },
  /** Bytes stored, near 1e12, noise 1e9; the incident: 2e10 more (20 times the noise). */
  'magnitude 1e12': (random, incident) => planted('bucket_bytes', 4 * DAY, incident, () => 1e12 + 1e9 * gaussian(random), (normal) => normal! + 2e10),
  /** A latency in seconds near 1e-9, noise 1e-10; the incident: 5 times slower. */
  'magnitude 1e-9': (random, incident) => planted('lock_wait_seconds', 4 * DAY, incident, () => 1e-9 + 1e-10 * gaussian(random), (normal) => 5 * normal!),
  /** A temperature below zero (a freezer); the incident: the door left open, -5 °C. */
  'negative values': (random, incident) => planted('freezer_celsius', 4 * DAY, incident, () => -20 + 0.5 * gaussian(random), () => -5 + 0.5 * gaussian(random)),
  /** A gauge with NaN, +Inf and -Inf samples now and then (a division by zero in the exporter); the incident: the hit ratio halves. */
  'NaN and Inf samples': (random, incident) => {
    const odd = [NaN, Infinity, -Infinity];
    return planted('hit_ratio', 4 * DAY, incident, () => (random.next() < 0.03 ? odd[random.int(3)]! : 0.9 + 0.01 * gaussian(random)), () => 0.45 + 0.01 * gaussian(random));
  },
  /** A deploy doubles the level for good: one alarm at the step, then the new level is normal. */
  'step change (deploy doubles the level)': (random) => {
    const times = regular(6 * DAY);
    const step = 2 * DAY + 100;
    return { metric: 'memory_mib', times, values: times.map((_, i) => (i < step ? 500 : 1000) + 10 * gaussian(random)), wanted: { from: step, to: step + DAY }, most: 1 };
  },
  /**
   * Traffic with a daily cycle, weekends at 40 % of weekdays; three weeks. The incident, on
   * the last Sunday: traffic stops (a weekend's usual low would be 40).
   */
  'daily seasonality, quieter weekends': (random, incident) =>
    planted('requests_per_second', 21 * DAY, incident, (_, t) => {
      const { hour, weekday } = clock(t);
      const day = 100 + 80 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI));
      return (weekday >= 5 ? 0.4 : 1) * day * (1 + 0.03 * gaussian(random));
    }, () => 2 * random.next()),
  /**
   * A disk filling slowly: 40 % to 70 % over a week. The trend is a capacity alert's job,
   * not a page; the incident: a runaway log adds 10 % within the hour.
   */
  'slow trend (disk filling)': (random, incident) => {
    const rows = 7 * DAY;
    const at = incidentAt(rows);
    return planted('disk_used_percent', rows, incident, (i) => 40 + (30 * i) / rows + 0.2 * gaussian(random), (normal, i) => normal! + (10 * (i - at.row + 1)) / INCIDENT_ROWS);
  },
  /** A garbage-collected heap: climbs for 30-50 minutes, drops at each collection; the incident: a leak, no collection frees anything and it climbs past 1,000. */
  'sawtooth (GC heap)': (random, incident) => {
    const at = incidentAt(4 * DAY);
    let heap = 200;
    let climb = 10 + 5 * random.next();
    return planted('heap_mib', 4 * DAY, incident, () => {
      heap += climb * (1 + 0.1 * gaussian(random));
      if (heap > 800) {
        heap = 200 + 10 * random.next();
        climb = 10 + 5 * random.next();
      }
      return heap;
    }, (_, i) => 900 + 40 * (i - at.row));
  },
  /** Two states (a cache warm or cold, a job running or idle), switching every few hours; the incident: an hour at 50, a state it never takes. */
  bimodal: (random, incident) => {
    let high = false;
    return planted('cpu_percent', 5 * DAY, incident, () => {
      if (random.next() < 1 / 30) high = !high;
      return (high ? 90 : 10) + 2 * gaussian(random);
    }, () => 50 + 2 * gaussian(random));
  },
  /**
   * Watching starts during an incident: the first day reads 5x the level, then it is fixed.
   * One alarm at the recovery is understandable (the detector cannot know the first day
   * was wrong), then quiet; the same incident a week later must be found, not taken for normal.
   */
  'starts during an incident': (random) => {
    const times = regular(8 * DAY);
    const again = 7 * DAY + 50;
    const values = times.map((_, i) => (i < DAY || (i >= again && i < again + 24) ? 250 : 50) + 3 * gaussian(random));
    return { metric: 'error_rate', times, values, wanted: { from: again, to: again + 24 }, tolerated: { from: DAY, to: 2 * DAY } };
  },
  // Second round (docs/anomaly.md, "Shapes"): shapes added after the engine's tuning, measured as they came.
  /** A latency p99 in ms: log-normal, 2 % of samples 3-5x (GC pauses, slow disks); the incident: an hour at 10x. */
  'latency p99, heavy tail': (random, incident) =>
    planted('http_p99_ms', 5 * DAY, incident, () => 200 * Math.exp(0.3 * gaussian(random)) * (random.next() < 0.02 ? 3 + 2 * random.next() : 1), () => 2_000 * Math.exp(0.3 * gaussian(random))),
  /** A cron job's work: 0, except for the first 10 minutes of each hour; the incident: the job hangs busy for an hour. */
  'hourly cron bursts': (random, incident) =>
    planted('cron_busy_workers', 5 * DAY, incident, (_, t) => (clock(t).hour % 1 < 1 / 6 ? 50 + 5 * gaussian(random) : 0), () => 50 + 5 * gaussian(random)),
  /**
   * A new service: its request rate reads 0 for two days, then traffic starts (the launch).
   * One alarm at the launch is understandable, not wanted; the incident: the service stops
   * for an hour (rate 0 again).
   */
  'new service launch (flat zero, then traffic)': (random, incident) => {
    const launch = 2 * DAY + 40;
    const shape = planted('rate(orders_total)', 6 * DAY, incident, (i) => (i < launch ? 0 : Math.max(0, 30 + 3 * gaussian(random))), () => 0);
    return { ...shape, tolerated: { from: launch, to: launch + DAY } };
  },
  /** An exporter upgrade reports memory in kilobytes instead of bytes: one page at the change (dashboards and alerts broke), then quiet. */
  'unit change (bytes to kilobytes)': (random) => {
    const times = regular(5 * DAY);
    const change = 3 * DAY + 10;
    const values = times.map((_, i) => (5e8 + 2e7 * gaussian(random)) / (i < change ? 1 : 1_000));
    return { metric: 'process_memory', times, values, wanted: { from: change, to: change + DAY }, most: 1 };
  },
  /**
   * A frozen exporter repeats its last value: the metric goes flat. The detector sees a
   * value it knows, only still; an alarm is understandable (tolerated), not wanted: staleness
   * is an absent-data alert's job. The freeze: the planted incident's hour.
   */
  'frozen exporter (value repeated)': (random, incident) => {
    const at = incidentAt(4 * DAY);
    let frozen = 0;
    const shape = planted('cpu_percent', 4 * DAY, incident, () => 40 + 5 * gaussian(random), (normal, i) => (i === at.row ? (frozen = normal!) : frozen));
    return { metric: shape.metric, times: shape.times, values: shape.values, ...(incident ? { tolerated: shape.wanted! } : {}) };
  },
  /**
   * A daily cycle in local time that moves an hour earlier in UTC on a DST change (day 7 of
   * 14): nothing should page, the shifted days included; the incident: traffic stops at noon.
   */
  'daily cycle shifted by DST': (random, incident) => {
    const shift = 7 * DAY;
    return planted('sessions', 14 * DAY, incident, (i, t) => {
      const hour = (clock(t).hour + (i >= shift ? 1 : 0)) % 24;
      return (100 + 80 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI))) * (1 + 0.03 * gaussian(random));
    }, () => 2 * random.next());
  },
  // Third round (docs/anomaly.md, "Shapes"): four more shapes nobody tuned for, measured as they came.
  /**
   * A process leaking memory slowly: steady for two days, then 150 MiB a day more until it
   * is killed at 1,000 MiB (OOM) and restarts at its usual 300; a week. The climb is a
   * capacity alert's job, not a page; the OOM restart (the process died) is wanted, once.
   */
  'slow memory leak ending in an OOM restart': (random) => {
    const times = regular(7 * DAY);
    const leakFrom = 2 * DAY;
    let oom = -1;
    const values = times.map((_, i) => {
      const leaked = i >= leakFrom && oom < 0 ? (150 * (i - leakFrom)) / DAY : 0;
      if (oom < 0 && 300 + leaked >= 1_000) oom = i;
      return 300 + (oom >= 0 && i >= oom ? 0 : leaked) + 5 * gaussian(random);
    });
    return { metric: 'process_resident_mib', times, values, wanted: { from: oom, to: oom + 2 * INCIDENT_ROWS }, most: 1 };
  },
  /**
   * Traffic with a daily cycle that a deploy (a cache in front, say) lowers to 70 % for
   * good on day 4 of 10: one page at the shift, then the new level is the usual one.
   */
  'level shift with a daily cycle (stays)': (random) => {
    const times = regular(10 * DAY);
    const shift = 4 * DAY + 100;
    const values = times.map((t, i) => (i < shift ? 1 : 0.7) * (100 + 80 * Math.max(0, Math.sin(((clock(t).hour - 6) / 24) * 2 * Math.PI))) * (1 + 0.03 * gaussian(random)));
    return { metric: 'backend_requests_per_second', times, values, wanted: { from: shift, to: shift + DAY }, most: 1 };
  },
  /**
   * Errors per second: about 1, with a one-sample burst of 3-6 now and then (1 % of samples:
   * a client retrying once). The incident: a retry storm, bursts that grow (5, 10, 20, 40)
   * within the hour.
   */
  'retry storm (bursts that grow)': (random, incident) => {
    const at = incidentAt(5 * DAY);
    return planted('errors_per_second', 5 * DAY, incident, () => Math.max(0, 1 + 0.2 * gaussian(random)) * (random.next() < 0.01 ? 3 + 3 * random.next() : 1), (normal, i) => {
      const k = i - at.row;
      return k % 3 === 0 ? 5 * 2 ** (k / 3) : normal!;
    });
  },
  /**
   * A metric pushed irregularly: every 5-minute row of its target, but 30 % of them without
   * it (a push that came late), and a whole day without it (the pusher down) on day 4 of 8;
   * a daily cycle. Nothing should page, the day after the gap included; the incident: the
   * level doubles for the hour.
   */
  'irregular pushes with a day-long gap': (random, incident) => {
    const gap = 4 * DAY;
    return planted('queue_wait_ms', 8 * DAY, incident, (i, t) => {
      if ((i >= gap && i < gap + DAY) || random.next() < 0.3) return undefined;
      return (50 + 20 * Math.max(0, Math.sin(((clock(t).hour - 8) / 24) * 2 * Math.PI))) * (1 + 0.05 * gaussian(random));
    }, (normal, i) => 2 * (normal ?? 60 + (i % 2)));
  },
};

export const SHAPE_NAMES = Object.keys(GENERATORS);

/** Shapes whose change is part of the shape (they have a `wanted` window without a planted incident). */
export const SHAPES_WITH_A_CHANGE = ['constant then one change', 'step change (deploy doubles the level)', 'starts during an incident', 'unit change (bytes to kilobytes)', 'slow memory leak ending in an OOM restart', 'level shift with a daily cycle (stays)'];

/** One shape, seeded; `incident`: with its planted incident (shapes with a change of their own have it anyway). */
export function generateShape(name: string, seed: number, incident = false): Shape {
  const generator = GENERATORS[name];
  if (!generator) throw new RangeError(`no shape named ${name}`);
  return { name, ...generator(createRandom(seed), incident) };
}

/** Streams a shape through a detector with the server's defaults (or `options`) and sorts its alarms. */
export function runShape(shape: Shape, options: Partial<DetectorOptions> = {}): ShapeRun {
  const detector = new StreamingDetector({ metrics: [shape.metric], ...options });
  const alarms: ShapeAlarm[] = [];
  shape.times.forEach((t, i) => {
    const r = detector.push(t, { [shape.metric]: shape.values[i] });
    if (r.isAnomaly) alarms.push({ index: i, cause: r.cause ?? '', summary: r.explanation?.summary ?? '' });
  });
  const within = (w: Shape['wanted']) => (a: ShapeAlarm) => w !== undefined && a.index >= w.from && a.index < w.to;
  const wanted = within(shape.wanted);
  const tolerated = within(shape.tolerated);
  return { shape, alarms, falseAlarms: alarms.filter((a) => !wanted(a) && !tolerated(a)), found: alarms.filter(wanted), tolerated: alarms.filter(tolerated) };
}
