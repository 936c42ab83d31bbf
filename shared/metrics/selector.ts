/**
 * Series selectors in PromQL syntax: `name{label="v", other!="x", mount=~"/var.*", device!~"loop.*"}`.
 * The metric name is the `__name__` label. Regular expressions are fully anchored, as in
 * Prometheus, on RE2 semantics (linear time, see shared/regex/anchored.ts). Parsed once,
 * matched against many series.
 */
import { compileAnchoredRegex, type AnchoredRegex } from '../regex/anchored.ts';
import { labelValue } from './label-value.ts';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const OPERATOR = /^(=~|!~|!=|=)/;
const MAX_SELECTOR_LENGTH = 1024;

export function parseSelector(text: string): LabelMatcher[] {
  if (text.length > MAX_SELECTOR_LENGTH) throw new SelectorError(`selector longer than ${MAX_SELECTOR_LENGTH} characters`);
  let rest = text.trim();
  const matchers: LabelMatcher[] = [];
  const name = METRIC_NAME.exec(rest);
  if (name) {
    matchers.push({ name: '__name__', op: '=', value: name[0] });
    rest = rest.slice(name[0].length).trimStart();
  }
  if (rest.startsWith('{')) {
    rest = rest.slice(1).trimStart();
    while (!rest.startsWith('}')) {
      const label = LABEL_NAME.exec(rest);
      if (!label) throw new SelectorError(`expected a label name at "${rest.slice(0, 20)}"`);
      rest = rest.slice(label[0].length).trimStart();
      const op = OPERATOR.exec(rest);
      if (!op) throw new SelectorError(`expected =, !=, =~ or !~ after "${label[0]}"`);
      rest = rest.slice(op[0].length).trimStart();
      const [value, after] = readQuoted(rest);
      matchers.push({ name: label[0], op: op[0] as MatchOp, value });
      rest = after.trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (!rest.startsWith('}')) throw new SelectorError(`expected , or } at "${rest.slice(0, 20)}"`);
    }
    rest = rest.slice(1).trimStart();
  }
  if (rest !== '') throw new SelectorError(`unexpected "${rest.slice(0, 20)}"`);
  if (matchers.length === 0) throw new SelectorError('empty selector');
  for (const m of matchers) if (m.op === '=~' || m.op === '!~') compileAnchored(m.value);
  return matchers;
}

function readQuoted(text: string): [string, string] {
  const quote = text[0];
  if (quote !== '"' && quote !== "'") throw new SelectorError(`expected a quoted value at "${text.slice(0, 20)}"`);
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      const next = text[++i]!;
      value += next === 'n' ? '\n' : next;
    } else if (ch === quote) {
      return [value, text.slice(i + 1)];
    } else {
      value += ch;
    }
  }
  throw new SelectorError('unterminated quoted value');
}

function compileAnchored(source: string): AnchoredRegex {
  try {
    return compileAnchoredRegex(source);
  } catch (error) {
    throw new SelectorError((error as Error).message);
  }
}

/** A predicate over (name, labels), built once from the matchers. */
export function compileMatchers(matchers: readonly LabelMatcher[]): (name: string, labels: Readonly<Record<string, string>>) => boolean {
  const tests = matchers.map((m) => {
    // A missing label matches as the empty string, as in Prometheus.
    const read = m.name === '__name__' ? (name: string) => name : (_name: string, labels: Readonly<Record<string, string>>) => labelValue(labels, m.name);
    switch (m.op) {
      case '=':
        return (n: string, l: Readonly<Record<string, string>>) => read(n, l) === m.value;
      case '!=':
        return (n: string, l: Readonly<Record<string, string>>) => read(n, l) !== m.value;
      case '=~': {
        const re = compileAnchored(m.value);
        return (n: string, l: Readonly<Record<string, string>>) => re.test(read(n, l));
      }
      case '!~': {
        const re = compileAnchored(m.value);
        return (n: string, l: Readonly<Record<string, string>>) => !re.test(read(n, l));
      }
    }
  });
  return (name, labels) => tests.every((test) => test(name, labels));
}
