import type { Labels } from '../labels.ts';

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

/**
 * Parses the Prometheus text exposition format (version 0.0.4), or OpenMetrics text, which
 * some exporters answer whatever was asked: `# HELP` / `# TYPE` / `# EOF` and other
 * comments are skipped, every sample line becomes one sample. Histogram and summary lines
 * (`_bucket`, `_sum`, `_count`, quantiles) come out as the plain series they are. In
 * OpenMetrics timestamps are seconds (fractions allowed), not milliseconds, and a sample
 * may end with an exemplar (` # {trace_id="…"} 0.5`), which is left out.
 * No maintained npm parser for this format exists; it is small enough to own.
 */
export function parseExposition(text: string, format: ExpositionFormat = 'prometheus'): ExposedSample[] {
  const samples: ExposedSample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    samples.push(parseLine(line, i + 1, format));
  }
  return samples;
}

function parseLine(line: string, lineNumber: number, format: ExpositionFormat): ExposedSample {
  const name = NAME.exec(line);
  if (!name) throw new ExpositionError(lineNumber, 'expected a metric name');
  let rest = line.slice(name[0].length);
  const labels: Labels = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1).trimStart();
    while (!rest.startsWith('}')) {
      const label = LABEL_NAME.exec(rest);
      if (!label) throw new ExpositionError(lineNumber, 'expected a label name');
      rest = rest.slice(label[0].length).trimStart();
      if (!rest.startsWith('="')) throw new ExpositionError(lineNumber, `expected ="..." after ${label[0]}`);
      const end = closingQuote(rest, 2);
      if (end < 0) throw new ExpositionError(lineNumber, 'unterminated label value');
      labels[label[0]] = unescape(rest.slice(2, end));
      rest = rest.slice(end + 1).trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (!rest.startsWith('}')) throw new ExpositionError(lineNumber, 'expected , or }');
    }
    rest = rest.slice(1);
  }
  // The labels are behind us, so a " # " here starts an exemplar, not a label value.
  const exemplar = format === 'openmetrics' ? rest.indexOf(' # ') : -1;
  if (exemplar !== -1) rest = rest.slice(0, exemplar);
  const [valueText, tsText, extra] = rest.trim().split(/\s+/);
  if (valueText === undefined || valueText === '' || extra !== undefined) throw new ExpositionError(lineNumber, 'expected a value and an optional timestamp');
  const value = parseValue(valueText);
  if (Number.isNaN(value) && !/^nan$/i.test(valueText)) throw new ExpositionError(lineNumber, `invalid value "${valueText}"`);
  return { name: name[0], labels, value, ts: timestampOf(tsText, format, lineNumber) };
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

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
}
