import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

/**
 * A deliberately small renderer for the subset of Helm's template language our chart uses,
 * so the chart can be checked where no helm binary exists (the GitHub workflow runs the real
 * `helm lint` and `helm template`). Supported: `{{- ... -}}` trimming, comments,
 * `define`/`include`, `if`/`else`/`end`, values paths (.Values, .Release, .Chart), string and
 * number literals, and the functions quote, toYaml, nindent and not. Anything else throws,
 * which is the point: a template that strays outside the subset fails the test instead of
 * being checked wrongly.
 */

type Node = { kind: 'text'; text: string } | { kind: 'action'; expr: string } | { kind: 'if'; cond: string; then: Node[]; otherwise: Node[] };
type Scope = Record<string, unknown>;

const ACTION = /\{\{(-)?\s*([\s\S]*?)\s*(-)?\}\}/g;
const BLOCK_OPENERS = /^(if|range|with|define|block)\b/;

interface Token {
  text: string;
  action?: string;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  let trimNext = false;
  for (const match of source.matchAll(ACTION)) {
    let text = source.slice(last, match.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (match[1]) text = text.replace(/\s+$/, '');
    tokens.push({ text });
    tokens.push({ text: '', action: match[2]! });
    trimNext = Boolean(match[3]);
    last = match.index + match[0].length;
  }
  let tail = source.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  tokens.push({ text: tail });
  return tokens;
}

/** Parses a template into nodes and its `define`s; throws on unbalanced blocks. */
export function parseTemplate(source: string, name: string): { nodes: Node[]; defines: Map<string, Node[]> } {
  const defines = new Map<string, Node[]>();
  const tokens = tokenize(source);
  let i = 0;
  // Returns at `end`/`else` (which it reports) or at the end of the input.
  const parseUntil = (inBlock: string | undefined): { nodes: Node[]; stop: 'end' | 'else' | 'eof' } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const token = tokens[i++]!;
      if (token.action === undefined) {
        if (token.text) nodes.push({ kind: 'text', text: token.text });
        continue;
      }
      const action = token.action;
      if (action.startsWith('/*')) continue;
      if (action === 'end') {
        if (!inBlock) throw new Error(`${name}: {{ end }} without an opening block`);
        return { nodes, stop: 'end' };
      }
      if (action === 'else') {
        if (inBlock !== 'if') throw new Error(`${name}: {{ else }} outside an if`);
        return { nodes, stop: 'else' };
      }
      const opener = BLOCK_OPENERS.exec(action)?.[1];
      if (opener === 'if') {
        const cond = action.slice(2).trim();
        const then = parseUntil('if');
        let otherwise: Node[] = [];
        if (then.stop === 'else') otherwise = parseUntil('if').nodes;
        else if (then.stop === 'eof') throw new Error(`${name}: {{ if ${cond} }} is never closed`);
        nodes.push({ kind: 'if', cond, then: then.nodes, otherwise });
      } else if (opener === 'define') {
        const defineName = /^define\s+"([^"]+)"$/.exec(action)?.[1];
        if (!defineName) throw new Error(`${name}: malformed ${action}`);
        const body = parseUntil('define');
        if (body.stop !== 'end') throw new Error(`${name}: define "${defineName}" is never closed`);
        defines.set(defineName, body.nodes);
      } else if (opener) {
        throw new Error(`${name}: {{ ${opener} }} is outside the subset this check renders`);
      } else {
        nodes.push({ kind: 'action', expr: action });
      }
    }
    return { nodes, stop: 'eof' };
  };
  const result = parseUntil(undefined);
  return { nodes: result.nodes, defines };
}

/** Go template truthiness: false, 0, nil and empty strings, lists and maps are false. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function splitArgs(command: string): string[] {
  return [...command.matchAll(/"(?:[^"\\]|\\.)*"|\S+/g)].map((m) => m[0]);
}

class Renderer {
  private readonly defines: Map<string, Node[]>;
  constructor(defines: Map<string, Node[]>) {
    this.defines = defines;
  }

  render(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'if') out += this.render(truthy(this.evaluate(node.cond, scope)) ? node.then : node.otherwise, scope);
      else out += format(this.evaluate(node.expr, scope));
    }
    return out;
  }

  private evaluate(expr: string, scope: Scope): unknown {
    let piped: unknown[] = [];
    for (const command of expr.split('|').map((c) => c.trim())) {
      const [head, ...rest] = splitArgs(command);
      if (head === undefined) throw new Error(`empty command in {{ ${expr} }}`);
      const args = [...rest.map((arg) => this.argument(arg, scope)), ...piped];
      piped = [this.call(head, args, scope)];
    }
    return piped[0];
  }

  private argument(token: string, scope: Scope): unknown {
    if (token.startsWith('"')) return JSON.parse(token) as string;
    if (/^-?\d+$/.test(token)) return Number(token);
    if (token === '.') return scope;
    if (token.startsWith('.')) return lookup(scope, token);
    throw new Error(`unsupported argument ${token}`);
  }

  private call(head: string, args: unknown[], scope: Scope): unknown {
    if (head.startsWith('.') || head.startsWith('"') || /^\d/.test(head)) {
      if (args.length > 0) throw new Error(`${head} is not a function`);
      return this.argument(head, scope);
    }
    switch (head) {
      case 'include': {
        const [name, context] = args as [string, Scope];
        const body = this.defines.get(name);
        if (!body) throw new Error(`include of undefined template "${name}"`);
        return this.render(body, context);
      }
      case 'quote':
        return JSON.stringify(format(args[0]));
      case 'toYaml':
        return truthy(args[0]) || typeof args[0] === 'object' ? stringify(args[0]).trimEnd() : '';
      case 'nindent': {
        const [width, text] = args as [number, string];
        return '\n' + String(text).split('\n').map((line) => ' '.repeat(width) + line).join('\n');
      }
      case 'not':
        return !truthy(args[0]);
      default:
        throw new Error(`function ${head} is outside the subset this check renders`);
    }
  }
}

function lookup(scope: Scope, dotted: string): unknown {
  let value: unknown = scope;
  for (const key of dotted.slice(1).split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function format(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? stringify(value).trimEnd() : String(value);
}

export interface Chart {
  dir: string;
  chart: { name: string; version: string; appVersion: string; apiVersion: string };
  values: Record<string, unknown>;
  /** Template file name -> source, `_*.tpl` helpers included. */
  templates: Map<string, string>;
}

export function loadChart(dir: string): Chart {
  const templatesDir = path.join(dir, 'templates');
  const templates = new Map(fs.readdirSync(templatesDir).map((file) => [file, fs.readFileSync(path.join(templatesDir, file), 'utf8')] as const));
  return {
    dir,
    chart: parse(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as Chart['chart'],
    values: parse(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8')) as Record<string, unknown>,
    templates,
  };
}

/** Deep merge for value overrides (like `--set`/`-f`): maps merge, everything else replaces. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    out[key] = isMap(current) && isMap(value) ? mergeValues(current, value) : value;
  }
  return out;
}

/** Renders every manifest template and returns the parsed Kubernetes objects. */
export function renderChart(chart: Chart, overrides: Record<string, unknown> = {}, releaseName = 'sco'): Record<string, unknown>[] {
  const defines = new Map<string, Node[]>();
  const parsed = [...chart.templates].map(([file, source]) => {
    const template = parseTemplate(source, file);
    for (const [name, body] of template.defines) defines.set(name, body);
    return [file, template.nodes] as const;
  });
  const renderer = new Renderer(defines);
  const scope: Scope = {
    Values: mergeValues(chart.values, overrides),
    Release: { Name: releaseName, Namespace: 'default', Service: 'Helm' },
    Chart: { Name: chart.chart.name, Version: chart.chart.version, AppVersion: chart.chart.appVersion },
  };
  const manifests: Record<string, unknown>[] = [];
  for (const [file, nodes] of parsed) {
    if (!file.endsWith('.yaml')) continue;
    const text = renderer.render(nodes, scope);
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${file} renders invalid YAML: ${doc.errors[0]!.message}\n${text}`);
      const value = doc.toJS() as Record<string, unknown> | null;
      if (value) manifests.push(value);
    }
  }
  return manifests;
}

/** Every `.Values.a.b` path the templates read. */
export function valuesReferences(chart: Chart): string[] {
  const refs = new Set<string>();
  for (const source of chart.templates.values()) for (const match of source.matchAll(/\.Values((?:\.\w+)+)/g)) refs.add(match[1]!.slice(1));
  return [...refs].sort();
}
