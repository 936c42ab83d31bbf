import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * A viewer's regular expression must not stall the server. On a backtracking engine the
 * pattern below takes 2^40 steps on the stored name (the request never comes back and
 * /health waits behind it); on RE2 semantics it is linear, so both answer.
 */
const PATHOLOGICAL = 'node_network_(?:[a-z_]|[a-z_])*!';
const LONG_NAME = `node_network_${'a'.repeat(40)}`;

describe('hostile regular expressions', () => {
  let server: TestServer;
  let viewer: string;
  let operator: string;

  beforeAll(async () => {
    server = await startTestServer({ listen: true });
    viewer = await server.tokenFor('viewer');
    operator = await server.tokenFor('operator');
    const ingest = await server.injectAs('admin', {
      method: 'POST',
      url: '/api/v1/metrics/ingest',
      payload: { series: [{ name: LONG_NAME, labels: { device: 'a'.repeat(40) }, samples: [[server.app.ctx.now(), 1]] }] },
    });
    expect(ingest.statusCode).toBe(200);
  });
  afterAll(() => server.close());

  const get = (url: string, token?: string) => fetch(`${server.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('a selector regex answers and /health keeps answering while it runs', async () => {
    const selector = encodeURIComponent(`{__name__=~"${PATHOLOGICAL}"}`);
    const [query, health] = await Promise.all([get(`/api/v1/metrics/series?match=${selector}`, viewer), get('/health')]);
    expect(health.status).toBe(200);
    expect(query.status).toBe(200);
    expect(((await query.json()) as { series: unknown[] }).series).toEqual([]);
    // The same name with the "!" it asks for matches: the engine is not just refusing.
    const matching = await get(`/api/v1/metrics/series?match=${encodeURIComponent(`{__name__=~"node_network_(?:[a-z_]|[a-z_])*"}`)}`, viewer);
    expect(((await matching.json()) as { series: unknown[] }).series).toHaveLength(1);
  });

  it('a silence regex answers and /health keeps answering while alerts are matched against it', async () => {
    const silence = await fetch(`${server.url}/api/v1/silences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: [{ name: 'device', op: '=~', value: '(?:[a-z_]|[a-z_])*!' }], durationSeconds: 3600, comment: 'hostile' }),
    });
    expect(silence.status).toBe(201);
    const push = fetch(`${server.url}/api/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await server.tokenFor('admin')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alerts: [{ status: 'firing', labels: { alertname: 'Hostile', device: 'a'.repeat(40) } }] }),
    });
    const [pushed, health] = await Promise.all([push, get('/health')]);
    expect(health.status).toBe(200);
    expect(pushed.status).toBe(200);
  });

  it("a viewer's chat glob answers and /health keeps answering while target names are matched against it", async () => {
    // Ten stars before a letter the name lacks: a backtracking engine tries every way to place
    // them among the 60 "a"s of the target's name (hours); RE2 semantics are linear.
    const target = 'a'.repeat(60);
    const ingest = await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'cpu_usage', labels: { host: target }, samples: [[server.app.ctx.now(), 1]] }] } });
    expect(ingest.statusCode).toBe(200);
    const glob = `${'a*'.repeat(10)}b`;
    const chat = (text: string, token = viewer) => fetch(`${server.url}/api/v1/chat`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    const [silence, cpu, health] = await Promise.all([chat(`silence ${glob} for 1h`), chat(`cpu on ${glob}`), get('/health')]);
    expect(health.status).toBe(200);
    expect(silence.status).toBe(200);
    expect(cpu.status).toBe(200);
    // The glob still matches what it names: an operator is offered the silence on the target's label.
    const card = (await (await chat(`silence ${'a*'.repeat(10)} for 1h`, operator)).json()) as { kind: string; text: string };
    expect(card).toMatchObject({ kind: 'confirmation', text: expect.stringContaining(`host=~"${'a.*'.repeat(10)}"`) });
  });

  it('refuses lookaround and backreferences (not RE2) with 400, not a 500', async () => {
    const response = await get(`/api/v1/metrics/series?match=${encodeURIComponent('{device=~"(?=a)a"}')}`, viewer);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('E_VALIDATION');
  });

  it('refuses a regex whose repetitions expand past the bound (400), in a selector and in a silence', async () => {
    // 140 characters, 80,000 instructions once expanded; 110 copies of \pL{999} held the
    // event loop 10 s and took 700 MB in re2js's compiler.
    const huge = '.{999}'.repeat(20);
    const query = await get(`/api/v1/metrics/series?match=${encodeURIComponent(`{device=~"${huge}"}`)}`, viewer);
    expect(query.status).toBe(400);
    expect(((await query.json()) as { error: { message: string } }).error.message).toContain('too large');
    const silence = await server.injectAs('operator', {
      method: 'POST',
      url: '/api/v1/silences',
      payload: { matchers: [{ name: 'device', op: '=~', value: huge }], durationSeconds: 3600, comment: 'huge' },
    });
    expect(silence.statusCode).toBe(400);
    expect(silence.json().error.code).toBe('E_VALIDATION');
  });

  it('a silence stored before the bound with such a regex silences nothing and stops no ingest', async () => {
    const now = server.app.ctx.now();
    const matchers = [{ name: 'device', op: '=~', value: '.{999}'.repeat(20) }];
    await server.app.ctx.sql.db
      .insertInto('silences')
      .values({ matchers: JSON.stringify(matchers), starts_at: now - 1000, ends_at: now + 3_600_000, created_by: 'operator', comment: 'stored before', created_at: now })
      .execute();
    // Any change of silences reloads the index, which compiles every live silence again.
    const another = await server.injectAs('operator', {
      method: 'POST',
      url: '/api/v1/silences',
      payload: { matchers: [{ name: 'device', op: '=', value: 'other' }], durationSeconds: 3600, comment: 'reload' },
    });
    expect(another.statusCode).toBe(201);
    const pushed = await server.injectAs('admin', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels: { alertname: 'AfterHuge', device: 'x'.repeat(20) } }] } });
    expect(pushed.statusCode).toBe(200);
    const alerts = await server.injectAs('admin', { method: 'GET', url: '/api/v1/alerts?label=alertname=AfterHuge' });
    expect(alerts.json().items[0].silenced).toBe(false);
  });
});

