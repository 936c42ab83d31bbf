/**
 * Units of metric values, read from the metric's name (Prometheus naming conventions:
 * base units, `_ratio`, `_bytes`, `_seconds`, `_per_second`, `_total`) or from its
 * metadata when the source gives one. One helper for every chart, tooltip and table, so a
 * ratio is a percentage everywhere and bytes are never shown as a bare 1.2G.
 */
export const METRIC_UNITS = ['ratio', 'percent', 'bytes', 'bytes_per_second', 'seconds', 'per_second', 'celsius', 'none'] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

/** What a source may say about a metric (Prometheus `/api/v1/metadata`: `unit`, `type`). */
export interface MetricMetadata {
  unit?: string;
  type?: string;
}

const METADATA_UNITS: Readonly<Record<string, MetricUnit>> = {
  ratio: 'ratio',
  percent: 'percent',
  bytes: 'bytes',
  seconds: 'seconds',
  celsius: 'celsius',
  'bytes/s': 'bytes_per_second',
  bytes_per_second: 'bytes_per_second',
};

/** The unit of a plain metric name (no functions around it). */
export function unitOfName(name: string): MetricUnit {
  const base = name.replace(/_(bucket|sum|count)$/, (suffix) => (suffix === '_count' ? '_count' : ''));
  if (/_ratio$/.test(base) || /_utili[sz]ation$/.test(base)) return 'ratio';
  if (/_percent(age)?$/.test(base) || /_pct$/.test(base)) return 'percent';
  if (/_bytes_per_second$/.test(base) || /_bps$/.test(base)) return 'bytes_per_second';
  if (/_bytes(_total)?$/.test(base)) return 'bytes';
  if (/_seconds(_total)?$/.test(base)) return 'seconds';
  if (/_celsius$/.test(base)) return 'celsius';
  if (/_per_second$/.test(base)) return 'per_second';
  return 'none';
}

/** The unit of a metric, preferring what its source says about it. */
export function unitOfMetric(name: string, metadata?: MetricMetadata): MetricUnit {
  const declared = metadata?.unit ? METADATA_UNITS[metadata.unit.toLowerCase()] : undefined;
  return declared ?? unitOfName(name);
}

/** Counters a rate turns into a per-second unit: bytes → B/s, seconds → a ratio of time busy. */
function rateOf(unit: MetricUnit): MetricUnit {
  if (unit === 'bytes') return 'bytes_per_second';
  if (unit === 'seconds') return 'ratio';
  if (unit === 'none') return 'per_second';
  return unit;
}

/**
 * The unit of a PromQL expression's result, when it can be told: the one metric it reads,
 * turned per second by `rate`/`irate`/`deriv`, kept by aggregations (`sum`, `avg`, `max`,
 * `*_over_time`). Anything else (arithmetic between metrics, `count`) is `none`.
 */
export function unitOfExpression(expr: string, metadata?: (name: string) => MetricMetadata | undefined): MetricUnit {
  const text = expr.trim();
  // Keep to expressions we can read: one metric name, no arithmetic between series.
  const bare = text.replace(/\{[^}]*\}|\[[^\]]*\]|"[^"]*"|\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...new Set((bare.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? []).filter((word) => !PROMQL_WORDS.has(word)))];
  if (names.length !== 1 || /[-+*/^%]\s*[A-Za-z_(]/.test(text.replace(/\[[^\]]*\]/g, ''))) return 'none';
  const name = names[0] as string;
  const unit = unitOfMetric(name, metadata?.(name));
  if (/\b(count|count_values|group|absent|changes|resets)\s*(\(|by|without)/.test(text)) return 'none';
  // A quantile of a histogram is in the unit of its buckets (`le`), whatever rate is inside.
  if (/\bhistogram_quantile\s*\(/.test(text)) return unit;
  if (/\b(rate|irate|deriv)\s*\(/.test(text)) return rateOf(unit);
  if (/\bincrease\s*\(/.test(text)) return unit === 'none' ? 'none' : unit;
  return unit;
}

const PROMQL_WORDS = new Set([
  'sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'group', 'count_values',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless',
  'rate', 'irate', 'increase', 'deriv', 'delta', 'idelta', 'changes', 'resets', 'absent', 'abs', 'ceil', 'floor', 'round', 'clamp', 'clamp_min', 'clamp_max',
  'avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'count_over_time', 'last_over_time', 'quantile_over_time', 'stddev_over_time',
  'histogram_quantile', 'label_replace', 'label_join', 'sort', 'sort_desc', 'time', 'vector', 'scalar', 'timestamp', 'predict_linear',
]);

/** The suffix shown next to an axis or in a legend: `%`, `B`, `B/s`, `s`, `/s`, `°C`. */
export function unitSymbol(unit: MetricUnit): string {
  switch (unit) {
    case 'ratio':
    case 'percent':
      return '%';
    case 'bytes':
      return 'B';
    case 'bytes_per_second':
      return 'B/s';
    case 'seconds':
      return 's';
    case 'per_second':
      return '/s';
    case 'celsius':
      return '°C';
    case 'none':
      return '';
  }
}

const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const SI = ['', 'k', 'M', 'G', 'T', 'P'];

/** `digits` significant digits, without trailing zeros: 1.50 → 1.5, 12.0 → 12. */
function significant(value: number, digits: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return Number(value.toFixed(Math.min(decimals, 12))).toString();
}

function scaled(value: number, base: number, prefixes: readonly string[], digits: number): { number: string; prefix: string } {
  let index = 0;
  let scaledValue = value;
  while (Math.abs(scaledValue) >= base && index < prefixes.length - 1) {
    scaledValue /= base;
    index += 1;
  }
  return { number: significant(scaledValue, digits), prefix: prefixes[index] as string };
}

function duration(seconds: number, digits: number): string {
  const abs = Math.abs(seconds);
  if (abs === 0) return '0 s';
  if (abs < 1e-3) return `${significant(seconds * 1e6, digits)} µs`;
  if (abs < 1) return `${significant(seconds * 1e3, digits)} ms`;
  if (abs < 120) return `${significant(seconds, digits)} s`;
  if (abs < 7200) return `${significant(seconds / 60, digits)} min`;
  if (abs < 172_800) return `${significant(seconds / 3600, digits)} h`;
  return `${significant(seconds / 86_400, digits)} d`;
}

/**
 * A value with its unit, readable at a glance: `45.2%`, `1.5 GiB`, `820 KiB/s`, `350 ms`,
 * `12k`. `digits` is the number of significant digits (3 by default; axes raise it until
 * their labels differ).
 */
export function formatUnit(value: number, unit: MetricUnit, digits = 3): string {
  if (!Number.isFinite(value)) return '–';
  switch (unit) {
    case 'ratio':
      return `${significant(value * 100, digits)}%`;
    case 'percent':
      return `${significant(value, digits)}%`;
    case 'bytes': {
      const { number, prefix } = scaled(value, 1024, IEC, digits);
      return `${number} ${prefix}`;
    }
    case 'bytes_per_second': {
      const { number, prefix } = scaled(value, 1024, IEC, digits);
      return `${number} ${prefix}/s`;
    }
    case 'seconds':
      return duration(value, digits);
    case 'per_second': {
      const { number, prefix } = scaled(value, 1000, SI, digits);
      return `${number}${prefix}/s`;
    }
    case 'celsius':
      return `${significant(value, digits)} °C`;
    case 'none': {
      const { number, prefix } = scaled(value, 1000, SI, digits);
      return `${number}${prefix}`;
    }
  }
}

/**
 * Labels for a row of axis ticks that never repeat: a zoomed axis (0.1231, 0.1232, ...)
 * gets more significant digits until neighbouring ticks read differently.
 */
export function formatTicks(values: readonly number[], unit: MetricUnit): string[] {
  for (let digits = 2; digits <= 10; digits += 1) {
    const labels = values.map((value) => formatUnit(value, unit, digits));
    if (new Set(labels).size === new Set(values).size) return labels;
  }
  return values.map((value) => formatUnit(value, unit, 12));
}

/** One unit for several series drawn on one axis: theirs if they agree, else `none`. */
export function commonUnit(units: readonly MetricUnit[]): MetricUnit {
  const [first] = units;
  return first !== undefined && units.every((unit) => unit === first) ? first : 'none';
}
