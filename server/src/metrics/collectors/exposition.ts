import type { Labels } from '../labels.ts';
import { legacyLabelName, legacyMetricName } from './legacy-names.ts';

/** One sample line of the Prometheus text exposition format. */
export interface ExposedSample {
  name: string;
  labels: Labels;
  value: number;
  /** Unix ms, when the exporter gives one. */
  ts: number | undefined;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export class ExpositionError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionError';
  }
}

/** The two text formats an exporter may answer in; they differ in timestamps and exemplars. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** The format of a scrape's answer, by its Content-Type (Prometheus's text format unless it says OpenMetrics). */
export function formatOf(contentType: string | null): ExpositionFormat {
  return contentType?.toLowerCase().startsWith('application/openmetrics-text') ? 'openmetrics' : 'prometheus';
}

/** Bounds on what one exposition may hold; past any of them the parse fails, as Prometheus fails the scrape. */
export interface ExpositionLimits {
  /** Samples (Prometheus's `sample_limit`). */
  maxSamples: number;
  /** Labels of one series, its name not counted (`label_limit`). */
  maxLabels?: number;
  /** Bytes of a label name, UTF-8 (`label_name_length_limit`). */
  maxLabelNameLength?: number;
  /** Bytes of a label value, UTF-8 (`label_value_length_limit`). */
  maxLabelValueLength?: number;
}

/** Lines parsed between two looks at the clock. */
const LINES_PER_CLOCK_CHECK = 64;
/** The longest a parse holds the thread before a turn of the event loop (as the range query's slices). */
const PARSE_SLICE_MS = 4;

/**
 * Parses the Prometheus text exposition format (version 0.0.4), or OpenMetrics text, which
 * some exporters answer whatever was asked: `# HELP` / `# TYPE` / `# EOF` and other
 * comments are skipped, every sample line becomes one sample. Histogram and summary lines
 * (`_bucket`, `_sum`, `_count`, quantiles) come out as the plain series they are. In
 * OpenMetrics timestamps are seconds (fractions allowed), not milliseconds, and a sample
 * may end with an exemplar (` # {trace_id="…"} 0.5`), which is left out.
 * Prometheus 3's UTF-8 names (`{"http.server.duration","service.name"="api"}`) are read and
 * escaped to the classic character set (legacy-names.ts), as Prometheus escapes them for a
 * client that asked for version 0.0.4.
 * No maintained npm parser for this format exists; it is small enough to own.
 */
export function parseExposition(text: string, format: ExpositionFormat = 'prometheus', limits?: ExpositionLimits): ExposedSample[] {
  const parser = new ExpositionParser(text, format, limits);
  parser.parseLines(Infinity, Infinity);
  return parser.samples;
}

/**
 * The same parse in slices of at most PARSE_SLICE_MS (or `linesPerSlice` lines), with a
 * turn of the event loop between them: a kube-state-metrics answer of 50,000 lines takes
 * about half a second to parse on this machine, which in one piece held /health, the
 * stream and every request behind it.
 */
export async function parseExpositionInSlices(text: string, format: ExpositionFormat = 'prometheus', limits?: ExpositionLimits, linesPerSlice = Infinity): Promise<ExposedSample[]> {
  const parser = new ExpositionParser(text, format, limits);
  while (!parser.parseLines(linesPerSlice, PARSE_SLICE_MS)) await new Promise<void>((resolve) => setImmediate(resolve));
  return parser.samples;
}

/** Walks the text line by line (no array of lines: a 16 MiB answer would be copied whole). */
class ExpositionParser {
  readonly samples: ExposedSample[] = [];
  #position = 0;
  #lineNumber = 0;
  readonly #text: string;
  readonly #format: ExpositionFormat;
  readonly #limits: Required<ExpositionLimits>;

  constructor(text: string, format: ExpositionFormat, limits: ExpositionLimits | undefined) {
    this.#text = text;
    this.#format = format;
    this.#limits = { maxSamples: Infinity, maxLabels: Infinity, maxLabelNameLength: Infinity, maxLabelValueLength: Infinity, ...limits };
  }

  /** Parses up to `maxLines` lines or for about `maxMs`; true when the text is done. */
  parseLines(maxLines: number, maxMs: number): boolean {
    const text = this.#text;
    const started = maxMs === Infinity ? 0 : performance.now();
    for (let n = 1; this.#position <= text.length; n++) {
      let end = text.indexOf('\n', this.#position);
      if (end === -1) end = text.length;
      const line = text.slice(this.#position, end).trim();
      this.#position = end + 1;
      this.#lineNumber++;
      if (line !== '' && !line.startsWith('#')) {
        if (this.samples.length === this.#limits.maxSamples) throw new ExpositionError(this.#lineNumber, `more than ${this.#limits.maxSamples} samples (the most one scrape takes)`);
        this.samples.push(parseLine(line, this.#lineNumber, this.#format, this.#limits));
      }
      if (n >= maxLines || (n % LINES_PER_CLOCK_CHECK === 0 && performance.now() - started > maxMs)) return this.#position > text.length;
    }
    return true;
  }
}

function parseLine(line: string, lineNumber: number, format: ExpositionFormat, limits: Required<ExpositionLimits>): ExposedSample {
  const fail = (message: string) => new ExpositionError(lineNumber, message);
  let labelCount = 0;
  const bare = NAME.exec(line);
  let name = bare?.[0];
  let rest = line.slice(name?.length ?? 0);
  if (name === undefined && !rest.startsWith('{')) throw fail('expected a metric name');
  const labels: Labels = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1).trimStart();
    while (!rest.startsWith('}')) {
      // A label name, bare or quoted (then escaped); a quoted string not followed by = is the metric's UTF-8 name.
      let label: string;
      if (rest.startsWith('"')) {
        const end = closingQuote(rest, 1);
        if (end < 0) throw fail('unterminated quoted name');
        const quoted = unescape(rest.slice(1, end));
        rest = rest.slice(end + 1).trimStart();
        if (quoted === '') throw fail('empty quoted name');
        if (rest.startsWith('=')) label = legacyLabelName(quoted);
        else if (name !== undefined) throw fail(`a second metric name "${quoted}"`);
        else {
          name = legacyMetricName(quoted);
          label = '';
        }
      } else {
        const bareLabel = LABEL_NAME.exec(rest);
        if (!bareLabel) throw fail('expected a label name');
        label = bareLabel[0];
        rest = rest.slice(label.length).trimStart();
      }
      if (label !== '') {
        if (!rest.startsWith('=')) throw fail(`expected ="..." after ${label}`);
        rest = rest.slice(1).trimStart();
        if (!rest.startsWith('"')) throw fail(`expected ="..." after ${label}`);
        const end = closingQuote(rest, 1);
        if (end < 0) throw fail('unterminated label value');
        const value = unescape(rest.slice(1, end));
        rest = rest.slice(end + 1).trimStart();
        // An empty value is no label, as in Prometheus (node_exporter's textfile collector fills a
        // label one series lacks with "": kept, the series was another than Prometheus's).
        if (value !== '') setLabel(labels, label, value, ++labelCount, limits, fail, name);
      }
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (!rest.startsWith('}')) throw fail('expected , or }');
    }
    rest = rest.slice(1);
  }
  if (name === undefined) throw fail('expected a metric name');
  // The labels are behind us, so a " # " here starts an exemplar, not a label value.
  const exemplar = format === 'openmetrics' ? rest.indexOf(' # ') : -1;
  if (exemplar !== -1) rest = rest.slice(0, exemplar);
  const [valueText, tsText, extra] = rest.trim().split(/\s+/);
  if (valueText === undefined || valueText === '' || extra !== undefined) throw fail('expected a value and an optional timestamp');
  const value = parseValue(valueText);
  if (Number.isNaN(value) && !/^nan$/i.test(valueText)) throw fail(`invalid value "${valueText}"`);
  return { name, labels, value, ts: timestampOf(tsText, format, lineNumber) };
}

/** Unix ms: Prometheus's format writes integer ms, OpenMetrics seconds with an optional fraction. */
function timestampOf(text: string | undefined, format: ExpositionFormat, lineNumber: number): number | undefined {
  if (text === undefined) return undefined;
  const ts = Number(text);
  if (format === 'openmetrics' ? !Number.isFinite(ts) : !Number.isInteger(ts)) throw new ExpositionError(lineNumber, `invalid timestamp "${text}"`);
  return format === 'openmetrics' ? Math.round(ts * 1000) : ts;
}

function parseValue(text: string): number {
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  return Number(text);
}

/** Checks one label against the limits and defines it. */
function setLabel(labels: Labels, label: string, value: string, count: number, limits: Required<ExpositionLimits>, fail: (message: string) => ExpositionError, name: string | undefined): void {
  if (count > limits.maxLabels) throw fail(`${name ?? 'a series'} has more than ${limits.maxLabels} labels (label_limit)`);
  if (longerThan(label, limits.maxLabelNameLength)) throw fail(`label name "${label.length > 64 ? `${label.slice(0, 64)}…` : label}" is longer than ${limits.maxLabelNameLength} bytes (label_name_length_limit)`);
  if (longerThan(value, limits.maxLabelValueLength)) throw fail(`value of label ${label.slice(0, 64)} is ${Buffer.byteLength(value)} bytes, more than ${limits.maxLabelValueLength} (label_value_length_limit)`);
  // Defined, not assigned: `labels.__proto__ = v` sets no label (labels.ts does the same).
  if (label === '__proto__') Object.defineProperty(labels, label, { value, enumerable: true, writable: true, configurable: true });
  else labels[label] = value;
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function unescape(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
}

/** Whether a string is more than `limit` bytes of UTF-8, as Prometheus measures names and values (counted only when it could be). */
function longerThan(text: string, limit: number): boolean {
  return text.length > limit || (text.length * 3 > limit && Buffer.byteLength(text) > limit);
}
