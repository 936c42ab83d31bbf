import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Datasource } from '../../../shared/api/datasources.ts';
import { eventually } from '../testing/eventually.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { SecretBox } from './secret-box.ts';
import { DatasourceStore } from './store.ts';
import { WatchStore } from './watches/store.ts';

const T0 = Date.UTC(2026, 0, 1);

/** A Prometheus stand-in answering query_range only to the expected bearer token. */
async function fakePrometheus(token: string): Promise<{ url: string; calls: number; close(): Promise<void> }> {
  const state = { calls: 0 };
  const server = http.createServer((request, response) => {
    state.calls++;
    if (request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', errorType: 'unauthorized', error: 'bad token' }));
      return;
    }
    const body = { status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: 'up', instance: 'web-1' }, values: [[T0 / 1000, '1']] }] } };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.each(testDatabases())('data source and watch stores on $name', (database) => {
  const databases = useTestDatabase(database);
  const servers: TestServer[] = [];
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    for (const close of closers.splice(0)) await close();
  });

  const twoLayers = () => databases.twoLayers('sco-dsstore-');

  it.skipIf(database.skip)('stores sources with sealed secrets, refuses a taken name, and cascades to watches and scores', async () => {
    const { sql, dirs } = await twoLayers();
    const box = await SecretBox.load({ envKey: undefined, dataDir: dirs[0], sql: sql[0], now: () => T0 });
    const sources = new DatasourceStore(sql[0], box);
    const input = { name: 'prom', url: 'http://prom:9090', auth: { type: 'bearer' as const, token: 'tok-1' }, tlsSkipVerify: true, timeoutSeconds: 5, scrapeIntervalSeconds: 15 };
    const created = (await sources.create(input, 'alice', T0))!;
    expect(created).toMatchObject({ name: 'prom', tlsSkipVerify: true, auth: { type: 'bearer', hasToken: true }, credentials: { type: 'bearer', token: 'tok-1' }, createdAt: T0, updatedAt: T0 });
    const raw = await sql[0].db.selectFrom('datasources').select('secret').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(Buffer.from(raw.secret!).toString('latin1')).not.toContain('tok-1');
    expect(await sources.create({ ...input, url: 'http://other' }, 'bob', T0)).toBeUndefined();

    const second = (await sources.create({ ...input, name: 'thanos', auth: null }, 'alice', T0))!;
    expect(await sources.replace(second.id, { ...input, name: 'prom' }, T0 + 1)).toBe('conflict');
    expect(await sources.replace(second.id, { ...input, name: 'thanos', auth: { type: 'basic', username: 'u', password: 'p' } }, T0 + 2)).toMatchObject({ updatedAt: T0 + 2, credentials: { type: 'basic', username: 'u', password: 'p' } });
    expect((await sources.list()).map((s) => s.name)).toEqual(['prom', 'thanos']);

    const watches = new WatchStore(sql[1]);
    const watch = (await watches.create({ name: 'latency', datasourceId: created.id, query: 'up', stepSeconds: 60 }, 'alice', T0))!;
    expect(await watches.create({ name: 'latency', datasourceId: created.id, query: 'up', stepSeconds: 60 }, 'bob', T0)).toBeUndefined();
    const scores = [
      { seriesKey: 'up{}', ts: T0, value: 1, score: 0.5, anomaly: false },
      { seriesKey: 'up{}', ts: T0 + 60_000, value: 9, score: 7.5, anomaly: true },
    ];
    // Two replicas scoring the same pull: the second write adds nothing and moves nothing back.
    await watches.record(watch.id, scores, T0 + 60_000, null);
    await new WatchStore(sql[0]).record(watch.id, scores.slice(0, 1), T0, 'late replica');
    expect(await watches.byId(watch.id)).toMatchObject({ lastTs: T0 + 60_000, lastError: 'late replica' });
    expect([...(await watches.scores(watch.id, { from: 0, to: Number.MAX_SAFE_INTEGER })).get('up{}')!]).toEqual(scores);
    await watches.prune(T0 + 1);
    expect((await watches.scores(watch.id, { series: 'up{}', from: 0, to: Number.MAX_SAFE_INTEGER })).get('up{}')).toEqual(scores.slice(1));

    expect(await sources.remove(created.id)).toBe(true);
    expect(await sources.byId(created.id)).toBeUndefined();
    expect(await watches.byId(watch.id)).toBeUndefined();
    expect(await watches.scores(watch.id, { from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual(new Map());
  });

  it.skipIf(database.skip)('every replica opens the secrets another sealed: the environment key, else (PostgreSQL) the shared key row', async () => {
    const { sql, dirs } = await twoLayers();
    const envKey = crypto.randomBytes(32).toString('base64');
    const [a, b] = await Promise.all(dirs.map((dir, i) => SecretBox.load({ envKey, dataDir: dir, sql: sql[i]!, now: () => T0 })));
    expect(b!.open(a!.seal('from-env'))).toBe('from-env');
    await expect(SecretBox.load({ envKey: 'too-short', dataDir: dirs[0], sql: sql[0], now: () => T0 })).rejects.toThrow(/256-bit/);

    if (sql[0].dialect !== 'postgres') {
      // SQLite: the data folder's key file, as before (one server per file).
      const box = await SecretBox.load({ envKey: undefined, dataDir: dirs[0], sql: sql[0], now: () => T0 });
      expect(fs.readFileSync(path.join(dirs[0], 'datasource-secrets.key'), 'utf8').trim()).toHaveLength(44);
      expect(SecretBox.fromDataDir(dirs[0]).open(box.seal('file'))).toBe('file');
      return;
    }
    // PostgreSQL: replica A had a key file (an installation copied by `smartcloudops migrate`); it seeds the shared row.
    const fileKey = crypto.randomBytes(32).toString('base64');
    fs.writeFileSync(path.join(dirs[0], 'datasource-secrets.key'), fileKey, { mode: 0o600 });
    const sealedBefore = new SecretBox(Buffer.from(fileKey, 'base64')).seal('copied secret');
    const onA = await SecretBox.load({ envKey: undefined, dataDir: dirs[0], sql: sql[0], now: () => T0 });
    // B has no key file of its own: it offers a random key, but the row written by A wins.
    const onB = await SecretBox.load({ envKey: undefined, dataDir: dirs[1], sql: sql[1], now: () => T0 });
    const row = await sql[1].db.selectFrom('datasource_secret_key').selectAll().execute();
    expect(row).toEqual([{ id: 1, key: fileKey, created_at: T0 }]);
    expect(onB.open(sealedBefore)).toBe('copied secret');
    expect(onB.open(onA.seal('shared'))).toBe('shared');
    expect(onA.open(onB.seal('shared back'))).toBe('shared back');
    // Replicas starting together agree on one key whichever writes first.
    const [c, d] = await Promise.all(dirs.map((dir, i) => SecretBox.load({ envKey: undefined, dataDir: dir, sql: sql[i]!, now: () => T0 })));
    expect(d!.open(c!.seal('together'))).toBe('together');
  });

  it.skipIf(database.skip || database.name !== 'postgres')(
    'two servers on one database: a source created on A is listed, queried and deleted on B (its watch scored by one of them, then by neither), and A stops serving it',
    async () => {
      const env = await databases.fresh();
      const prometheus = await fakePrometheus('shared-secret-token');
      closers.push(() => prometheus.close());
      const options = { env, datasources: { recordTtlMs: 300, watches: { syncMs: 200 } } };
      const [a, b] = await Promise.all([startTestServer(options), startTestServer(options)]);
      servers.push(a, b);

      const created = await a.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom', type: 'prometheus', url: prometheus.url, auth: { type: 'bearer', token: 'shared-secret-token' } } });
      expect(created.statusCode, created.body).toBe(201);
      const source = created.json() as Datasource;
      // A queries it once, so its in-memory copy is warm before B deletes the source.
      const range = `/api/v1/datasources/${source.id}/query_range?query=up&start=${T0 / 1000}&end=${T0 / 1000 + 600}`;
      expect((await a.injectAs('viewer', { method: 'GET', url: range })).statusCode).toBe(200);

      const listed = (await b.injectAs('viewer', { method: 'GET', url: '/api/v1/datasources/readable' })).json() as { datasources: Array<{ id: number; name: string }> };
      expect(listed.datasources).toEqual([expect.objectContaining({ id: source.id, name: 'prom' })]);
      // B decrypts A's token (the shared key): the stand-in answers only to it.
      const onB = await b.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/query_range?query=up&start=${T0 / 1000}&end=${T0 / 1000 + 900}` });
      expect(onB.statusCode, onB.body).toBe(200);
      expect(onB.json()).toMatchObject({ status: 'success', data: { resultType: 'matrix' } });
      expect(await b.injectAs('operator', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom', type: 'prometheus', url: prometheus.url } })).toHaveProperty('statusCode', 403);
      expect((await b.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom', type: 'prometheus', url: prometheus.url } })).statusCode).toBe(409);

      // A watch created on A is scored by exactly one of the two (its owner among the live replicas), and goes with its source.
      const watch = await a.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'up', datasourceId: source.id, query: 'up', stepSeconds: 60 } });
      expect(watch.statusCode, watch.body).toBe(201);
      const watchId = (watch.json() as { id: number }).id;
      await eventually(() => [...a.app.datasources.runner.followed(), ...b.app.datasources.runner.followed()], (ids) => ids.length === 1 && ids[0] === watchId);
      expect(((await b.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/watches' })).json() as { watches: Array<{ id: number }> }).watches.map((w) => w.id)).toEqual([watchId]);

      expect((await b.injectAs('admin', { method: 'DELETE', url: `/api/v1/datasources/${source.id}` })).statusCode).toBe(204);
      await eventually(() => [...a.app.datasources.runner.followed(), ...b.app.datasources.runner.followed()], (ids) => ids.length === 0);
      expect((await a.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${watchId}` })).statusCode).toBe(404);
      expect((await a.injectAs('admin', { method: 'GET', url: `/api/v1/datasources/${source.id}` })).statusCode).toBe(404);
      expect(((await a.injectAs('admin', { method: 'GET', url: '/api/v1/datasources' })).json() as { datasources: unknown[] }).datasources).toEqual([]);
      // A's query path trusted its copy for at most recordTtlMs; then the source is gone there too.
      await eventually(
        async () => (await a.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/query?query=up` })).statusCode,
        (status) => status === 404,
        30_000,
      );
    },
    180_000,
  );
});
