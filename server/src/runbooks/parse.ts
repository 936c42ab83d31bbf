import { Lexer, LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { Compile } from 'typebox/compile';
import { RunbookFileSchema, STEP_KINDS, type ParamSpec, type ResolvedSafety, type RunbookFile, type RunbookStep, type StepKind } from '../../../shared/api/runbooks.ts';
import { compileMatcher, MatcherError } from '../alerts/matchers.ts';
import { compileParamPattern } from './param-pattern.ts';
import { durationMs } from './settings.ts';
import { references, stringsOf } from './template.ts';
import { parseCondition } from './verify.ts';

const checkFile = Compile(RunbookFileSchema);

/** A runbook file that passed every check, with its defaults filled in. */
export interface LoadedRunbook {
  definition: RunbookFile;
  file: string;
  source: string;
  safety: ResolvedSafety;
  params: Record<string, ParamSpec>;
}

export type ParseResult = { ok: true; runbook: LoadedRunbook } | { ok: false; line: number; message: string };

type Path = ReadonlyArray<string | number>;

class FileProblem extends Error {
  readonly path: Path;
  constructor(path: Path, message: string) {
    super(message);
    this.path = path;
  }
}

/** The 1-based line of the deepest node of `path` that exists in the document. */
function lineOf(doc: Document, counter: LineCounter, path: Path): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}

function pathOf(instancePath: string): Path {
  return instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export function stepKind(step: RunbookStep): StepKind {
  return STEP_KINDS.find((kind) => step[kind] !== undefined)!;
}

function duration(text: string | undefined, path: Path, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = durationMs(text);
  if (ms === null) throw new FileProblem(path, `"${text}" is not a duration (use 30s, 2m, 1h)`);
  return ms;
}

function checkTemplates(texts: readonly string[], params: Record<string, ParamSpec>, path: Path): void {
  for (const text of texts) {
    for (const reference of references(text)) {
      const [root, key] = reference.split('.');
      if (root === 'params' && key !== undefined && Object.hasOwn(params, key)) continue;
      if (root === 'labels' && key !== undefined) continue;
      if (reference === 'incident.id') continue;
      throw new FileProblem(path, root === 'params' ? `{{${reference}}} refers to an undeclared parameter` : `unknown template reference {{${reference}}}`);
    }
  }
}

function checkParam(name: string, spec: ParamSpec): void {
  const path = ['params', name];
  if (spec.pattern !== undefined) {
    try {
      compileParamPattern(spec.pattern);
    } catch (error) {
      throw new FileProblem([...path, 'pattern'], `invalid pattern: ${(error as Error).message}`);
    }
  }
  const wrongType = (value: unknown) =>
    spec.type === 'string' ? typeof value !== 'string' : spec.type === 'boolean' ? typeof value !== 'boolean' : typeof value !== 'number' || (spec.type === 'integer' && !Number.isInteger(value));
  if (spec.default !== undefined && wrongType(spec.default)) throw new FileProblem([...path, 'default'], `the default is not a ${spec.type}`);
  // Its values would be listed to every reader (the run form's choices): a secret is not one of a few known values.
  if (spec.enum !== undefined && spec.secret === true) throw new FileProblem([...path, 'enum'], 'a secret parameter cannot have an enum (its values would be shown to every reader)');
  spec.enum?.forEach((value, index) => {
    if (wrongType(value)) throw new FileProblem([...path, 'enum', index], `enum value ${JSON.stringify(value)} is not a ${spec.type}`);
  });
}

function checkSteps(steps: readonly RunbookStep[], section: 'steps' | 'rollback', params: Record<string, ParamSpec>): void {
  steps.forEach((step, index) => {
    const path = [section, index];
    const kinds = STEP_KINDS.filter((kind) => step[kind] !== undefined);
    if (kinds.length !== 1) throw new FileProblem(path, `step "${step.name}" must have exactly one of ${STEP_KINDS.join(', ')} (has ${kinds.length === 0 ? 'none' : kinds.join(', ')})`);
    if (step.env !== undefined && kinds[0] !== 'run') throw new FileProblem([...path, 'env'], '`env` is only for `run` steps');
    duration(step.timeout, [...path, 'timeout'], 0);
    if (step.wait !== undefined) duration(step.wait, [...path, 'wait'], 0);
    if (step.silence !== undefined) duration(step.silence.duration, [...path, 'silence', 'duration'], 0);
    checkTemplates(stringsOf(step), params, path);
  });
}

/**
 * What the yaml library's document parse cannot take in reasonable time, found by its lexer
 * (linear) and refused before the parse. The parse is quadratic in a file's anchors (20,000
 * anchors, 330 kB, took 7 s; 60,000, under 1 MiB, 110 s) and slow on deep flow nesting
 * (`[[[…`, 2.5 s for 100,000 levels before failing on the call stack), all of it holding the
 * event loop at start-up and at every reload. A runbook uses a few anchors and a few levels.
 */
const MAX_ANCHORS = 100;
const MAX_FLOW_DEPTH = 64;

function yamlShapeProblem(source: string): string | null {
  let anchors = 0;
  let depth = 0;
  for (const token of new Lexer().lex(source)) {
    if (token.startsWith('&') && ++anchors > MAX_ANCHORS) return `more than ${MAX_ANCHORS} anchors (&name); a runbook needs a few`;
    if (token === '[' || token === '{') {
      if (++depth > MAX_FLOW_DEPTH) return `[ ] and { } nested more than ${MAX_FLOW_DEPTH} deep`;
    } else if (token === ']' || token === '}') depth--;
  }
  return null;
}

/**
 * Parses and checks one runbook file. Never throws: a bad file comes back with the line
 * and a message a person can act on, so one broken file never takes the others down.
 */
export function parseRunbook(file: string, source: string): ParseResult {
  const shape = yamlShapeProblem(source);
  if (shape) return { ok: false, line: 1, message: `YAML: ${shape}` };
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) return { ok: false, line: counter.linePos(syntax.pos[0]).line, message: `YAML: ${syntax.message.split('\n')[0]}` };
  let value: unknown;
  try {
    // The yaml library refuses aliases that would expand past 100 times their size ("billion
    // laughs") by throwing: a file is refused, as any bad file, instead of stopping start-up.
    value = doc.toJS();
  } catch (error) {
    if (error instanceof ReferenceError) return { ok: false, line: 1, message: `YAML: its aliases expand too far (${error.message})` };
    throw error;
  }
  if (!checkFile.Check(value)) {
    const first = [...checkFile.Errors(value)][0];
    const where = first?.instancePath ?? '';
    const path = pathOf(where);
    // An additionalProperties refusal reads "schema is false": say which key is unknown.
    const message = first?.message === 'schema is false' ? `unknown key "${String(path.at(-1))}"` : (first?.message ?? 'does not match the runbook schema');
    return { ok: false, line: lineOf(doc, counter, path), message: `${where || '/'} ${message}` };
  }
  try {
    const params = value.params ?? {};
    for (const [name, spec] of Object.entries(params)) checkParam(name, spec);
    checkSteps(value.steps, 'steps', params);
    checkSteps(value.rollback ?? [], 'rollback', params);
    if (value.target !== undefined) checkTemplates([value.target], params, ['target']);
    if (value.verify) {
      duration(value.verify.within, ['verify', 'within'], 0);
      checkTemplates([value.verify.query], params, ['verify', 'query']);
      parseCondition(value.verify.condition);
    }
    value.triggers?.forEach((trigger, index) => {
      const path = ['triggers', index];
      if (!trigger.match && !trigger.matchers) throw new FileProblem(path, 'a trigger needs `match` or `matchers`');
      for (const matcher of trigger.matchers ?? []) {
        try {
          compileMatcher(matcher);
        } catch (error) {
          if (error instanceof MatcherError) throw new FileProblem([...path, 'matchers'], error.message);
          throw error;
        }
      }
      for (const name of Object.keys(trigger.params ?? {})) {
        if (!Object.hasOwn(params, name)) throw new FileProblem([...path, 'params', name], `trigger sets undeclared parameter "${name}"`);
      }
      for (const template of Object.values(trigger.params ?? {})) {
        for (const reference of references(template)) {
          if (!reference.startsWith('labels.')) throw new FileProblem([...path, 'params'], `trigger parameters may only use {{labels.x}} (found {{${reference}}})`);
        }
      }
    });
    const safety = value.safety ?? {};
    const resolved: ResolvedSafety = {
      mode: safety.mode ?? 'approve',
      role: safety.role ?? 'operator',
      approvers: safety.approvers ?? (safety.mode === 'approve' || safety.mode === undefined ? 1 : 0),
      cooldownMs: duration(safety.cooldown, ['safety', 'cooldown'], 0),
      maxRunsPerHour: safety.maxRunsPerHour ?? 10,
      concurrency: safety.concurrency ?? 1,
    };
    if (resolved.mode === 'approve' && resolved.approvers < 1) throw new FileProblem(['safety', 'approvers'], 'mode approve needs at least one approver');
    return { ok: true, runbook: { definition: value, file, source, safety: resolved, params } };
  } catch (error) {
    if (error instanceof FileProblem) return { ok: false, line: lineOf(doc, counter, error.path), message: error.message };
    if (error instanceof Error && error.name === 'ConditionError') return { ok: false, line: lineOf(doc, counter, ['verify', 'condition']), message: error.message };
    throw error;
  }
}
