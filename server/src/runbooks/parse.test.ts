import { describe, expect, it } from 'vitest';
import { parseRunbook } from './parse.ts';
import type { ParamError } from './params.ts';
import { validateParams } from './params.ts';
import { resolvePlan } from './plan.ts';
import { defaultRunbookSettings } from './settings.ts';
import { fill, fillUrl } from './template.ts';
import { isAllowed } from './allow-list.ts';

const GOOD = `id: restart-web
title: Restart the web service
params:
  service: { type: string, enum: [web, api] }
  reason:  { type: string, maxLength: 200, default: "none" }
triggers:
  - match: { alertname: ServiceDown }
    params: { service: "{{labels.service}}" }
steps:
  - name: restart
    run: [/usr/bin/env, node, scripts/restart.js, "{{params.service}}"]
    timeout: 30s
  - name: check
    http: { method: GET, url: "http://127.0.0.1:8080/health/{{params.service}}", expect: 200 }
verify:
  query: 'up{service="{{params.service}}"}'
  condition: "== 1"
  within: 2m
safety:
  mode: approve
  cooldown: 10m
  maxRunsPerHour: 3
`;

const settings = { ...defaultRunbookSettings('/tmp/x'), httpAllow: ['http://127.0.0.1:8080/health/'] };
/** Any key: what these tests check does not depend on it (plan-hash.ts). */
const HASH_KEY = Buffer.alloc(32, 7);

describe('runbook files', () => {
  it('parses the documented example with defaults and durations resolved', () => {
    const result = parseRunbook('restart-web.yaml', GOOD);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.runbook.safety).toEqual({ mode: 'approve', role: 'operator', approvers: 1, cooldownMs: 600_000, maxRunsPerHour: 3, concurrency: 1 });
  });

  it.each([
    ['a YAML syntax error', 'id: x\ntitle: t\nsteps:\n  - name: a\n    run: [a, b\n', 6, /YAML/],
    ['a schema error, at the offending key', 'id: x\ntitle: t\nsteps:\n  - name: a\n    run: 5\n', 5, /\/steps\/0\/run/],
    ['a bad id', 'id: Restart_Web\ntitle: t\nsteps: [{ name: a, wait: 1s }]\n', 1, /\/id/],
    ['an unknown key', 'id: x\ntitle: t\nsteps: [{ name: a, wait: 1s }]\nbogus: 1\n', 4, /bogus|additional/i],
    ['a step with two actions', 'id: x\ntitle: t\nsteps:\n  - name: a\n    wait: 1s\n    note: { text: hi }\n', 4, /exactly one/],
    ['an undeclared parameter', 'id: x\ntitle: t\nsteps:\n  - name: a\n    run: [echo, "{{params.nope}}"]\n', 4, /undeclared parameter/],
    ['a bad duration', 'id: x\ntitle: t\nsteps:\n  - name: a\n    wait: soon\n', 5, /not a duration/],
    ['a bad verify condition', 'id: x\ntitle: t\nsteps: [{ name: a, wait: 1s }]\nverify:\n  query: up\n  condition: "about 1"\n  within: 1m\n', 6, /condition/],
    ['a default of the wrong type', 'id: x\ntitle: t\nparams:\n  n: { type: integer, default: "three" }\nsteps: [{ name: a, wait: 1s }]\n', 4, /default/],
    ['a secret parameter with an enum (its values would be shown)', 'id: x\ntitle: t\nparams:\n  key:\n    type: string\n    secret: true\n    enum: [a, b]\nsteps: [{ name: a, wait: 1s }]\n', 7, /secret parameter cannot have an enum/],
  ])('reports %s with its line', (_what, source, line, message) => {
    const result = parseRunbook('bad.yaml', source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(message);
    expect(result.line).toBe(line);
  });
});

describe('parameters', () => {
  const specs = { service: { type: 'string' as const, enum: ['web', 'api'] }, count: { type: 'integer' as const, minimum: 1, maximum: 5, default: 1 }, text: { type: 'string' as const, maxLength: 50 } };

  it('fills defaults, coerces label text to the declared type and refuses the rest', () => {
    expect(validateParams(specs, { service: 'web', count: '3', text: 'x' })).toEqual({ service: 'web', count: 3, text: 'x' });
    expect(validateParams(specs, { service: 'api', text: '' })).toEqual({ service: 'api', count: 1, text: '' });
    const error = (() => {
      try {
        validateParams(specs, { service: 'db', count: 9, extra: 'x' });
      } catch (e) {
        return e as ParamError;
      }
      throw new Error('expected a ParamError');
    })();
    expect(error.problems).toEqual(['extra is not a parameter of this runbook', 'service must be one of "web", "api"', 'count must be at most 5', 'text is required']);
  });

  // A value from a requester or an alert label against an author's pattern that backtracks
  // (nested quantifiers): on the backtracking engine this took seconds (each extra character
  // doubles it; 10 000 characters, the API's limit, would never end) with the event loop
  // blocked. RE2 semantics answer in linear time, so this finishes well within the timeout.
  it('checks a pattern in linear time, whatever the value', { timeout: 3000 }, () => {
    const nested = { host: { type: 'string' as const, pattern: '^([a-z]+)+$' } };
    expect(() => validateParams(nested, { host: `${'a'.repeat(29)}!` })).toThrow(/host must match/);
    expect(() => validateParams(nested, { host: `${'a'.repeat(9_999)}!` })).toThrow(/host must match/);
    expect(validateParams(nested, { host: 'web' })).toEqual({ host: 'web' });
    // Unanchored like JSON Schema's pattern, on code points.
    expect(validateParams({ v: { type: 'string' as const, pattern: 'b' } }, { v: 'abc' })).toEqual({ v: 'abc' });
    expect(validateParams({ v: { type: 'string' as const, pattern: '^.$' } }, { v: '🙂' })).toEqual({ v: '🙂' });
  });

  it('refuses a file whose pattern needs backtracking features (RE2 has none), with its line', () => {
    const result = parseRunbook('x.yaml', 'id: x\ntitle: t\nparams:\n  v: { type: string, pattern: "^(a)\\\\1$" }\nsteps: [{ name: a, wait: 1s }]\n');
    expect(result).toMatchObject({ ok: false, line: 4, message: expect.stringContaining('invalid pattern') });
  });
});

describe('templates', () => {
  const scope = (value: string) => ({ params: { v: value }, labels: { service: 'web' }, incident: { id: 7 } });

  it.each(['; rm -rf /', '$(id)', 'a\nb', '`id`', 'two words', '"quoted"'])('keeps %j one literal argv item', (value) => {
    const result = parseRunbook('x.yaml', `id: x\ntitle: t\nparams:\n  v: { type: string }\nsteps:\n  - name: a\n    run: [/bin/echo, "--value={{params.v}}", "{{params.v}}"]\n`);
    if (!result.ok) throw new Error(result.message);
    const plan = resolvePlan(result.runbook, { v: value }, null, {}, settings, HASH_KEY);
    expect(plan.steps[0]!.argv).toEqual(['/bin/echo', `--value=${value}`, value]);
  });

  it('percent-encodes values in URLs so they cannot change the host or path', () => {
    expect(fillUrl('http://127.0.0.1:8080/health/{{params.v}}', scope('../admin?x=1#')).href).toBe('http://127.0.0.1:8080/health/..%2Fadmin%3Fx%3D1%23');
    expect(fill('{{labels.service}}-{{labels.missing}}-{{incident.id}}', scope(''))).toBe('web--7');
  });

  it.each(['..', '.'])('refuses %j in a URL: the URL parser would read it as a dot segment and move up the path', (value) => {
    // http://host/svc/{{x}}/restart with x=".." would call http://host/restart, still under the allowed base.
    expect(() => fillUrl('http://127.0.0.1:8080/health/svc/{{params.v}}/restart', scope(value))).toThrow(/dot segment/);
    expect(fillUrl('http://127.0.0.1:8080/health/svc/{{params.v}}/restart', scope('...')).pathname).toBe('/health/svc/.../restart');
  });

  it('binds the plan hash to the resolved content', () => {
    const result = parseRunbook('restart-web.yaml', GOOD);
    if (!result.ok) throw new Error(result.message);
    const a = resolvePlan(result.runbook, { service: 'web', reason: 'none' }, null, {}, settings, HASH_KEY);
    const b = resolvePlan(result.runbook, { reason: 'none', service: 'web' }, null, {}, settings, HASH_KEY);
    const c = resolvePlan(result.runbook, { service: 'api', reason: 'none' }, null, {}, settings, HASH_KEY);
    const d = resolvePlan(result.runbook, { service: 'web', reason: 'none' }, 3, {}, settings, HASH_KEY);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    expect(d.hash).not.toBe(a.hash);
    // Keyed (plan-hash.ts): another key, another hash for the same plan.
    expect(resolvePlan(result.runbook, { service: 'web', reason: 'none' }, null, {}, settings, Buffer.alloc(32, 8)).hash).not.toBe(a.hash);
    expect(a.steps[1]).toMatchObject({ kind: 'http', method: 'GET', url: 'http://127.0.0.1:8080/health/web', expect: [200] });
    expect(a.verify).toEqual({ source: 'metrics', query: 'up{service="web"}', op: '==', threshold: 1, withinMs: 120_000 });
  });

  it('refuses URLs outside the allow-list at plan time', () => {
    const result = parseRunbook('restart-web.yaml', GOOD);
    if (!result.ok) throw new Error(result.message);
    expect(() => resolvePlan(result.runbook, { service: 'web' }, null, {}, { ...settings, httpAllow: [] }, HASH_KEY)).toThrow(/not allow-listed/);
  });

  it('allows URLs only below an allowed base, on a path boundary', () => {
    const list = ['http://127.0.0.1:8080/ops'];
    expect(isAllowed(new URL('http://127.0.0.1:8080/ops/restart'), list)).toBe(true);
    expect(isAllowed(new URL('http://127.0.0.1:8080/ops'), list)).toBe(true);
    expect(isAllowed(new URL('http://127.0.0.1:8080/opsx'), list)).toBe(false);
    expect(isAllowed(new URL('http://127.0.0.1:8081/ops/x'), list)).toBe(false);
    expect(isAllowed(new URL('http://user@127.0.0.1:8080/ops/x'), list)).toBe(false);
  });
});
