import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventSource } from 'eventsource';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lockKey } from '../core/unit-of-work.ts';
import { rendezvousOwner } from './sql/rendezvous.ts';
import { eventually } from '../testing/eventually.ts';
import { openMetricsGauge, prometheusMissing, startPrometheus } from '../testing/prometheus.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`[postgres replica tests skipped] ${unavailable}`);

const T0 = Date.UTC(2026, 0, 1);

interface Received {
  id: number;
  type: string;
  data: unknown;
}

/** An SSE client on `server` (bearer token of a viewer), recording events; `lastEventId` resumes. */
async function openStream(server: TestServer, lastEventId?: number) {
  const token = await server.tokenFor('viewer');
  const received: Received[] = [];
  const source = new EventSource(`${server.url}/api/v1/stream`, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${token}`, ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }) } }),
  });
  for (const type of ['samples', 'alert', 'reset']) source.addEventListener(type, (event) => received.push({ id: Number(event.lastEventId), type, data: JSON.parse(event.data) }));
  await new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (error) => reject(new Error(`stream failed: ${error.message}`));
  });
  return { received, close: () => source.close() };
}

const sampleValues = (events: Received[]) => events.flatMap((e) => (e.type === 'samples' ? (e.data as { value: number }[]).map((s) => s.value) : []));

/** Two server replicas, each with its own data folder, on one real PostgreSQL database on loopback. */
describe.skipIf(unavailable !== undefined)('two replicas on one PostgreSQL', () => {
  let postgres: TestPostgres;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 180_000);
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(async () => {
    await postgres?.stop();
  }, 60_000);

  let databases = 0;
  async function replicas(config: Parameters<typeof startTestServer>[0] = {}) {
    databases += 1;
    const env = { SMARTCLOUDOPS_DATABASE_URL: await postgres.createDatabase(`replicas_${databases}`) };
    // Started together, as a Deployment does: both migrate, under the advisory lock, once.
    const [a, b] = await Promise.all([startTestServer({ ...config, env, listen: true }), startTestServer({ ...config, env, listen: true })]);
    servers.push(a!, b!);
    return { a: a!, b: b! };
  }

  it('an alert posted to replica A appears on a stream opened on replica B', async () => {
    const { a, b } = await replicas();
    const stream = await openStream(b);
    try {
      const pushed = await a.injectAs('operator', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels: { alertname: 'DiskFull', host: 'db-1' }, severity: 'critical' }] } });
      expect(pushed.statusCode).toBe(200);
      const alert = await eventually(() => stream.received.find((event) => event.type === 'alert'), (found) => found !== undefined, 60_000);
      expect(JSON.stringify(alert!.data)).toContain('DiskFull');
    } finally {
      stream.close();
    }
  }, 180_000);

  it('the same alerts posted to A and B at once are one alert each, in one incident per group; acknowledgements and silences hold on both', async () => {
    const { a, b } = await replicas({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    // Two groups (alertname + service), three instances each, sent by both replicas in every round.
    const batch = ['api', 'db'].flatMap((service) => [1, 2, 3].map((n) => ({ status: 'firing', labels: { alertname: 'HighLatency', service, instance: `${service}-${n}` }, severity: 'warning' })));
    const rounds = 8;
    // The test users, made one at a time before the concurrent posts.
    for (const server of [a, b]) await server.tokenFor('operator');
    const posts = [];
    for (let round = 0; round < rounds; round++) {
      for (const server of [a, b]) posts.push(server.injectAs('operator', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: batch } }));
    }
    for (const response of await Promise.all(posts)) expect(response.statusCode, response.body).toBe(200);

    type Listed = { id: number; labels: Record<string, string>; occurrences: number; incidentId: number; silenced: boolean; state: string };
    const list = async (server: TestServer) => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?limit=100' })).json() as { items: Listed[] }).items;
    const fromA = await list(a);
    expect(fromA).toHaveLength(6);
    // Every post counted once on its alert, whichever replica took it.
    expect(fromA.map((alert) => alert.occurrences)).toEqual(Array(6).fill(2 * rounds));
    expect(new Set(fromA.map((alert) => alert.incidentId)).size).toBe(2);
    expect((await list(b)).map((alert) => alert.id).sort()).toEqual(fromA.map((alert) => alert.id).sort());
    const incidents = ((await b.injectAs('viewer', { method: 'GET', url: '/api/v1/incidents' })).json() as { items: { alertCount: number }[] }).items;
    expect(incidents.map((incident) => incident.alertCount)).toEqual([3, 3]);
    for (const alert of fromA) {
      const history = (await b.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}/history` })).json() as unknown[];
      expect(history).toHaveLength(1);
    }

    // Acknowledged on A: B sees it, and refuses a second acknowledgement as A would.
    const first = fromA[0]!;
    expect((await a.injectAs('operator', { method: 'POST', url: `/api/v1/alerts/${first.id}/acknowledge`, payload: { comment: 'mine' } })).statusCode).toBe(200);
    expect((await b.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${first.id}` })).json()).toMatchObject({ state: 'acknowledged' });
    // A silence made on B: the alerts it matches are silenced, and A's next alert under it too.
    const silence = await b.injectAs('operator', { method: 'POST', url: '/api/v1/silences', payload: { matchers: [{ name: 'service', op: '=', value: 'db' }], durationSeconds: 3600, comment: 'maintenance' } });
    expect(silence.statusCode).toBe(201);
    expect((await list(a)).filter((alert) => alert.silenced).map((alert) => alert.labels.instance).sort()).toEqual(['db-1', 'db-2', 'db-3']);
    expect((await a.injectAs('operator', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels: { alertname: 'DiskFull', service: 'db', instance: 'db-9' } }] } })).statusCode).toBe(200);
    expect((await list(b)).find((alert) => alert.labels.instance === 'db-9')).toMatchObject({ silenced: true });
  }, 180_000);

  it('the last alert of an incident resolving while another replica adds an alert to it leaves the incident open', async () => {
    const { a } = await replicas({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const labels = { alertname: 'Flaky', service: 'api' };
    const [first] = await a.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { ...labels, instance: 'i-1' } }]);
    const incidentId = first!.alert.incidentId!;
    // Another replica in the middle of an ingest: it holds the incident group's lock and has
    // written a new firing alert of the incident, not yet committed.
    const other = new pg.Client({ connectionString: a.app.ctx.sql.pool!.options.connectionString });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1::bigint)', [String(lockKey('incident-group:alertname=Flaky,service=api'))]);
      const now = Date.now();
      await other.query(
        `INSERT INTO alerts (fingerprint, source, state, severity, labels, annotations, search_text, starts_at, last_seen_at, updated_at, incident_id)
         VALUES ('in-flight', 'api', 'firing', 'warning', $1, '{}', '', $2, $2, $2, $3)`,
        [JSON.stringify({ ...labels, instance: 'i-2' }), now, incidentId],
      );
      // The resolution on A: it must wait for the group's lock, then see the new alert.
      let answered = false;
      const resolution = a.app.alerts.service.ingest([{ source: 'api', status: 'resolved', labels: { ...labels, instance: 'i-1' } }]).finally(() => (answered = true));
      const waiting = async () => Number((await other.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0].n);
      // Either A waits on the lock (as it must) or it answered without waiting (the bug).
      await eventually(async () => ({ answered, waiters: await waiting() }), (state) => state.answered || state.waiters > 0, 60_000);
      await other.query('COMMIT');
      await resolution;
    } finally {
      await other.end();
    }
    const incident = (await a.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}` })).json() as { incident: { status: string; firingCount: number } };
    expect(incident.incident).toMatchObject({ status: 'open', firingCount: 1 });
  }, 180_000);

  it('metric samples ingested on replica A are series, points and latest values on B; B drops its cached answer when A writes into it', async () => {
    const { a, b } = await replicas();
    const now = Date.now();
    const ingest = async (server: TestServer, samples: Array<[number, number]>) => {
      const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'node_load1', labels: { host: 'shared-1' }, samples }] } });
      expect(response.statusCode).toBe(200);
    };
    await ingest(a, Array.from({ length: 200 }, (_, i): [number, number] => [now - (200 - i) * 10_000, i]));
    const range = async (server: TestServer) => {
      const response = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/metrics/query_range?match=node_load1&from=${now - 3_600_000}&to=${now}&maxPoints=5000` });
      return { cache: response.headers['x-cache'], series: (response.json() as { series: Array<{ labels: Record<string, string>; values: number[] }> }).series };
    };
    const first = await range(b);
    expect(first.series).toHaveLength(1);
    expect(first.series[0]!.values).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // The query cache keeps an answer from its second ask (QueryCache.admit): the third is a hit.
    expect((await range(b)).cache).toBe('miss');
    expect((await range(b)).cache).toBe('hit');
    const latest = (await b.injectAs('viewer', { method: 'GET', url: '/api/v1/metrics/latest?match=node_load1' })).json() as { series: Array<{ value: number }> };
    expect(latest.series.map((s) => s.value)).toEqual([199]);
    // A sample A writes into the cached range reaches B's cache through the shared event log.
    await ingest(a, [[now - 5_000, 1000]]);
    const after = await eventually(() => range(b), (answer) => answer.series[0]!.values.at(-1) === 1000, 60_000);
    expect(after.series[0]!.values).toHaveLength(201);
    // And a sample written on B is one more point of the same series on A.
    await ingest(b, [[now - 1_000, 2000]]);
    expect((await range(a)).series[0]!.values.slice(-2)).toEqual([1000, 2000]);
  }, 180_000);

  it('shares the anomaly targets of the embedded store out between the replicas, and moves a leaving replica\'s targets with their models', async () => {
    const anomaly = { minTrainRows: 20, retrainIntervalMs: 0, workers: 1, forest: { trees: 10, sampleSize: 16, seed: 1 } };
    const { a, b } = await replicas({ anomaly });
    // Replica ids are random, so fixed target names would all fall to one replica once in 128
    // starts: the names are picked so that rendezvous hashing gives each replica four.
    const members = [a.app.ctx.replicaId, b.app.ctx.replicaId];
    const candidates = Array.from({ length: 64 }, (_, i) => `share-${i}`);
    const targets = members.flatMap((member) => candidates.filter((t) => rendezvousOwner(t, members) === member).slice(0, 4));
    expect(targets).toHaveLength(8);
    const now = Date.now();
    let row = 0;
    const rounds = async (count: number) => {
      for (let k = 0; k < count; k++, row++) {
        // Each round through either replica: who stores a sample does not decide who scores it.
        const server = row % 2 === 0 ? a : b;
        const series = targets.map((host, i) => ({ name: 'node_load1', labels: { host }, samples: [[now - 3_600_000 + row * 10_000, 1 + ((row * 7 + i) % 5) / 10]] }));
        expect((await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series } })).statusCode).toBe(200);
      }
    };
    const scoredBy = (server: TestServer) => new Set(server.app.anomaly.status().targets.map((t) => t.target));
    await rounds(30);
    // Both replicas see each other, then every target is followed by exactly one of them.
    await eventually(
      async () => {
        await rounds(1);
        // Arrays, not Sets, so that a failure prints who follows what.
        return [[...scoredBy(a)].sort(), [...scoredBy(b)].sort()];
      },
      ([onA, onB]) => onA!.length === 4 && onB!.length === 4 && onA!.every((t) => !onB!.includes(t)),
      120_000,
    );
    // Either replica answers for every target, naming the replica that scores it.
    const viaB = await eventually(
      async () => (await b.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/status' })).json() as { targets: Array<{ target: string; scoredBy: string }> },
      // Each replica writes where its targets stand within 5 s of a change.
      (status) => targets.every((t) => status.targets.find((x) => x.target === t)?.scoredBy === (scoredBy(a).has(t) ? a.app.ctx.replicaId : b.app.ctx.replicaId)),
      60_000,
    );
    expect(new Set(viaB.targets.map((t) => t.scoredBy))).toEqual(new Set([a.app.ctx.replicaId, b.app.ctx.replicaId]));
    const training = (await b.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/training' })).json() as Array<{ target: string }>;
    expect(training.map((t) => t.target)).toEqual([...targets].sort());
    // Every target has scores, whichever replica scored it.
    await eventually(async () => Promise.all(targets.map(async (t) => (await b.app.metrics.storage.readScores(t, 0, Number.MAX_SAFE_INTEGER)).length)), (counts) => counts.every((n) => n > 0), 120_000);
    // The models are in the database: B lists the ones A trained. A training asked of B for a
    // target A scores is fitted on B, and A takes it up as a candidate shadowing its model.
    const onA = [...scoredBy(a)][0]!;
    const listed = (await b.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/models?target=${onA}` })).json() as { id: number; state: string }[];
    expect(listed.filter((m) => m.state === 'active')).toHaveLength(1);
    const trained = await b.injectAs('admin', { method: 'POST', url: '/api/v1/anomaly/models/train', payload: { target: onA } });
    expect(trained.statusCode, trained.body).toBe(201);
    const candidate = trained.json() as { id: number; state: string };
    expect(candidate.state).toBe('candidate');
    const onAStatus = () => a.app.anomaly.status().targets.find((t) => t.target === onA);
    await eventually(async () => onAStatus()?.candidateModelId, (id) => id === candidate.id, 60_000);
    // A leaves: B takes its targets over, resuming after their last stored scores, with the
    // models A scored them with, read from the registry: B's first score of each of them
    // comes from a model B did not train (a first model trained again would).
    const fromA = [...scoredBy(a)];
    const trainedOnB = new Set<number>();
    const firstScoreOnB = new Map<string, { modelId: number; trainedOnB: boolean }>();
    const unsubscribe = b.app.ctx.events.subscribe((event) => {
      if (event.type === 'anomaly_model' && event.data.action === 'trained') trainedOnB.add(event.data.modelId);
      if (event.type !== 'anomaly_score') return;
      const { target, modelId } = event.data as { target: string; modelId: number };
      if (fromA.includes(target) && !firstScoreOnB.has(target)) firstScoreOnB.set(target, { modelId, trainedOnB: trainedOnB.has(modelId) });
    });
    await a.close();
    servers.splice(servers.indexOf(a), 1);
    const lastScored = async (t: string) => {
      const scores = await b.app.metrics.storage.readScores(t, 0, Number.MAX_SAFE_INTEGER);
      return scores.length > 0 ? scores.ts[scores.length - 1]! : 0;
    };
    const before = await Promise.all(fromA.map(lastScored));
    await eventually(
      async () => {
        row++;
        const series = targets.map((host) => ({ name: 'node_load1', labels: { host }, samples: [[now - 3_600_000 + row * 10_000, 1.2]] }));
        await b.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series } });
        await b.app.anomaly.idle();
        return Promise.all(fromA.map(lastScored));
      },
      (after) => after.every((ts, i) => ts > before[i]!),
      120_000,
    );
    expect(scoredBy(b)).toEqual(new Set(targets));
    unsubscribe();
    expect([...firstScoreOnB.keys()].sort()).toEqual([...fromA].sort());
    expect([...firstScoreOnB.values()].filter((first) => first.trainedOnB)).toEqual([]);
    // The candidate trained through B is shadowed by B now.
    expect(b.app.anomaly.status().targets.find((t) => t.target === onA)!.candidateModelId).toBe(candidate.id);
  }, 300_000);

  it('sheds ingest on every replica while one replica\'s anomaly scoring backlog is full', async () => {
    const { a, b } = await replicas({ anomaly: { maxBacklog: 1_000, workers: 1 } });
    // Each replica reports its backlog every second.
    const reported = () => a.app.ctx.sql.db.selectFrom('anomaly_replica_backlog').selectAll().execute();
    await eventually(reported, (rows) => [a, b].every((server) => rows.some((row) => row.replica === server.app.ctx.replicaId)), 30_000);
    const ingest = () => a.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'node_load1', labels: { host: 'shed-1' }, samples: [[Date.now(), 1]] }] } });
    expect((await ingest()).statusCode).toBe(200);
    // Another replica is far behind: A's ingest feeds its targets too, so A sheds.
    await a.app.ctx.sql.db.insertInto('anomaly_replica_backlog').values({ replica: 'behind', waiting: 5_000, updated_at: Date.now() }).execute();
    const shed = await eventually(ingest, (response) => response.statusCode === 503, 10_000);
    expect(shed.headers['retry-after']).toBe('5');
    expect(shed.json()).toMatchObject({ error: { code: 'E_UNAVAILABLE' } });
    // Caught up: A takes writes again.
    await a.app.ctx.sql.db.updateTable('anomaly_replica_backlog').set({ waiting: 0, updated_at: Date.now() }).where('replica', '=', 'behind').execute();
    expect((await eventually(ingest, (response) => response.statusCode === 200, 10_000)).statusCode).toBe(200);
  });

  it('a client moving from replica A to replica B resumes by event id without gap or duplicate', async () => {
    const { a, b } = await replicas();
    const onA = await openStream(a);
    for (const value of [1, 2, 3]) await a.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: [[T0 + value * 1000, value]] }]);
    await eventually(() => sampleValues(onA.received), (values) => values.length === 3, 60_000);
    onA.close();
    const lastSeen = onA.received.at(-1)!.id;
    // Published on both replicas while the client is away.
    for (const value of [4, 5, 6, 7]) await (value % 2 === 0 ? b : a).app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: [[T0 + value * 1000, value]] }]);
    const onB = await openStream(b, lastSeen);
    try {
      const values = await eventually(() => sampleValues(onB.received), (got) => got.length >= 4, 60_000);
      expect([...values].sort((x, y) => x - y)).toEqual([4, 5, 6, 7]);
      const ids = onB.received.map((event) => event.id);
      expect(ids[0]).toBeGreaterThan(lastSeen);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      // Live after the replay, still on B: an event from A.
      await a.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: [[T0 + 8000, 8]] }]);
      expect(await eventually(() => sampleValues(onB.received), (got) => got.includes(8), 60_000)).toHaveLength(5);
    } finally {
      onB.close();
    }
  }, 180_000);

  it('a login lockout taken on replica A holds on replica B', async () => {
    const { a, b } = await replicas({ config: { lockoutFailuresPerUser: 3, lockoutSeconds: 600 } });
    const login = (server: TestServer, password: string) => fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    for (let i = 0; i < 3; i++) expect((await login(a, 'wrong-password')).status).toBe(401);
    const refused = await login(b, TEST_ADMIN_PASSWORD);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('E_LOCKED_OUT');
  }, 180_000);

  it('an API key created on replica A authenticates on B, and once revoked on A is refused on B at once', async () => {
    const { a, b } = await replicas();
    const withKey = (server: TestServer, secret: string) => fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
    const created = await a.injectAs('operator', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'deploy-bot', expiresAt: Date.now() + 86_400_000 } });
    expect(created.statusCode).toBe(201);
    const { key, secret } = created.json() as { key: { id: number }; secret: string };
    const onB = await withKey(b, secret);
    expect(onB.status).toBe(200);
    expect(((await onB.json()) as { username: string }).username).toBe('test-operator');
    // B lists it too (its owner is signed in on B with a session from B).
    const listed = await b.injectAs('operator', { method: 'GET', url: '/api/v1/api-keys' });
    expect((listed.json() as { keys: { id: number; lastUsedAt: number | null }[] }).keys).toMatchObject([{ id: key.id }]);

    const revoked = await a.injectAs('operator', { method: 'DELETE', url: `/api/v1/api-keys/${key.id}` });
    expect(revoked.statusCode).toBe(200);
    // No cache in front of the database: the very next request on B is refused.
    expect((await withKey(b, secret)).status).toBe(401);
    expect((await withKey(a, secret)).status).toBe(401);
  }, 180_000);

  it('actions on replica A and on replica B appear in one audit log, read from either', async () => {
    const { a, b } = await replicas();
    const createUser = (server: TestServer, username: string) =>
      server.injectAs('admin', { method: 'POST', url: '/api/v1/users', payload: { username, password: `${username}-password-long`, role: 'viewer' } });
    expect((await createUser(a, 'from-a')).statusCode).toBe(201);
    expect((await createUser(b, 'from-b')).statusCode).toBe(201);
    // A permission refusal on B is audited there, and seen from A.
    expect((await b.injectAs('viewer', { method: 'DELETE', url: '/api/v1/users/1' })).statusCode).toBe(403);
    const read = async (server: TestServer) => {
      const response = await fetch(`${server.url}/api/v1/audit?limit=1000`, { headers: { authorization: `Bearer ${await server.tokenFor('admin')}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { entries: { id: number; action: string; target: string | null }[] }).entries;
    };
    const [fromA, fromB] = [await read(a), await read(b)];
    expect(fromA).toEqual(fromB);
    const targets = fromA.filter((entry) => entry.action === 'user.create').map((entry) => entry.target);
    expect(targets).toEqual(['user:from-b', 'user:from-a']);
    expect(fromA.some((entry) => entry.action === 'access.denied' && entry.target === 'DELETE /api/v1/users/:id')).toBe(true);
    // Both replicas' logins (the admin and viewer sessions opened on each) are in the one log.
    expect(fromA.filter((entry) => entry.action === 'auth.login').length).toBeGreaterThanOrEqual(3);
  }, 180_000);

  it('a webhook set up on A notifies alerts of both replicas, each delivery sent once by the two dispatchers', async () => {
    const received: string[] = [];
    const receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string; alert: { labels: { alertname: string } } };
        received.push(`${body.alert.labels.alertname}:${body.event}`);
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { a, b } = await replicas({ alerts: { sweepIntervalMs: 0 } });
      const hook = await a.injectAs('admin', { method: 'POST', url: '/api/v1/webhooks', payload: { name: 'ops', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` } });
      expect(hook.statusCode).toBe(201);
      // B sees the webhook A created (no per-replica copy).
      expect((await b.injectAs('admin', { method: 'GET', url: '/api/v1/webhooks' })).json()).toMatchObject([{ name: 'ops' }]);
      const expected: string[] = [];
      for (let i = 0; i < 12; i++) {
        const [on, name] = i % 2 === 0 ? [a, `OnA${i}`] : [b, `OnB${i}`];
        await on.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: name, target: 'web' }, severity: 'critical' }]);
        expected.push(`${name}:firing`);
        // Both dispatchers look at the one queue all the time, so they compete for every row.
        a.app.notifications.dispatcher.kick();
        b.app.notifications.dispatcher.kick();
      }
      const deliveries = async () => (await a.injectAs('admin', { method: 'GET', url: `/api/v1/webhooks/${(hook.json() as { id: number }).id}/deliveries` })).json() as { items: { status: string; attempts: number }[]; total: number };
      const done = await eventually(deliveries, (log) => log.total === 12 && log.items.every((d) => d.status === 'delivered'), 60_000);
      expect(done.items.every((d) => d.attempts === 1)).toBe(true);
      // Each sent once: no alert twice, none missing.
      expect([...received].sort()).toEqual([...expected].sort());
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  }, 180_000);
  it('a rule created on replica A is listed on B and fires once from whichever leads; when the leader loses its connection the other carries on from the shared state', async () => {
    const received: string[] = [];
    const receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string; alert: { labels: { alertname: string } } };
        received.push(`${body.alert.labels.alertname}:${body.event}`);
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { a, b } = await replicas({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 200 }, leaderRetryMs: 200 });
      expect((await a.injectAs('admin', { method: 'POST', url: '/api/v1/webhooks', payload: { name: 'ops', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` } })).statusCode).toBe(201);
      // The rule is the cluster's: created on A, listed on B, and a second one of that name refused on B.
      const payload = { name: 'HighLoad', selector: 'node_load1', condition: { reducer: 'last', op: '>', threshold: 5 }, windowSeconds: 3600, forSeconds: 0, severity: 'critical' };
      const created = await a.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules', payload });
      expect(created.statusCode).toBe(201);
      const ruleId = (created.json() as { id: number }).id;
      const listed = (await b.injectAs('viewer', { method: 'GET', url: '/api/v1/alert-rules' })).json() as { id: number; name: string }[];
      expect(listed.find((rule) => rule.name === 'HighLoad')?.id).toBe(ruleId);
      expect((await b.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules', payload })).statusCode).toBe(409);
      // The same series on both replicas' metrics stores: without leadership each would fire it,
      // and the shared webhook would hear it twice.
      for (const server of [a, b]) await server.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'db-1' }, samples: [[Date.now(), 9]] }]);
      const lastEvaluated = async (server: TestServer) => ((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alert-rules/${ruleId}` })).json() as { lastEvaluatedAt: number | null }).lastEvaluatedAt;
      await eventually(() => received, (got) => got.length >= 1, 60_000);
      const [leader, follower] = a.app.ctx.leadership.isLeader ? [a, b] : [b, a];
      expect(follower.app.ctx.leadership.isLeader).toBe(false);
      // The leader keeps evaluating (several more rounds, seen from either replica), the rule fired once.
      const first = (await lastEvaluated(follower))!;
      await eventually(() => lastEvaluated(follower), (at) => at !== null && at >= first + 600, 60_000);
      await eventually(() => a.app.notifications.webhooks.queueState(), (queue) => queue.pending === 0, 60_000);
      expect(received).toEqual(['HighLoad:firing']);
      const firingOn = async (server: TestServer) => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?source=rule' })).json() as { items: unknown[] }).items.length;
      // The alert is the cluster's: one, seen from either replica.
      expect(await firingOn(leader)).toBe(1);
      expect(await firingOn(follower)).toBe(1);

      // The leader's database connection for the lock drops (as when its process is killed): the follower takes over.
      const client = new pg.Client({ connectionString: leader.app.ctx.sql.pool!.options.connectionString });
      await client.connect();
      try {
        await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'smartcloudops-leadership%'
          AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)`);
      } finally {
        await client.end();
      }
      await eventually(() => [leader.app.ctx.leadership.isLeader, follower.app.ctx.leadership.isLeader], ([was, now]) => !was && now === true, 60_000);
      // The new leader evaluates the same rule round after round, and from the shared series
      // state knows it is already firing: it does not fire it again.
      const taken = (await lastEvaluated(follower))!;
      await eventually(() => lastEvaluated(follower), (at) => at !== null && at >= taken + 600, 60_000);
      const rule = (await follower.injectAs('viewer', { method: 'GET', url: `/api/v1/alert-rules/${ruleId}` })).json() as { series: { state: string }[]; lastError: string | null };
      expect(rule).toMatchObject({ series: [{ state: 'firing' }], lastError: null });
      expect(await firingOn(follower)).toBe(1);
      expect(await firingOn(leader)).toBe(1);
      expect(received).toEqual(['HighLoad:firing']);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  }, 180_000);

  it('a grouping change saved on replica A applies to the next alert on B', async () => {
    const { a, b } = await replicas({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const post = (server: TestServer, labels: Record<string, string>) =>
      server.injectAs('operator', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels, severity: 'warning' }] } });
    const incidentOf = async (server: TestServer, alertname: string) => {
      const items = ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts' })).json() as { items: { labels: Record<string, string>; incidentId: number | null }[] }).items;
      return items.find((alert) => alert.labels.alertname === alertname)!.incidentId;
    };
    // Under the default (alertname, service|job), two alertnames on one host are two incidents on B.
    expect((await post(b, { alertname: 'A1', host: 'h-1' })).statusCode).toBe(200);
    expect((await post(b, { alertname: 'B1', host: 'h-1' })).statusCode).toBe(200);
    expect(await incidentOf(b, 'A1')).not.toBe(await incidentOf(b, 'B1'));

    const saved = await a.injectAs('admin', { method: 'PUT', url: '/api/v1/incidents/grouping', payload: { groupBy: ['host'], windowMinutes: null, autoResolve: null } });
    expect(saved.statusCode, saved.body).toBe(200);
    // B's page reads the database at once; its in-memory policy (ingest) follows within the refresh bound.
    expect(((await b.injectAs('viewer', { method: 'GET', url: '/api/v1/incidents/grouping' })).json() as { effective: { groupBy: string[] } }).effective.groupBy).toEqual(['host']);
    await eventually(() => b.app.incidents.grouping.policy.groupBy, (groupBy) => groupBy.join() === 'host', 60_000);
    expect((await post(b, { alertname: 'A2', host: 'h-2' })).statusCode).toBe(200);
    expect((await post(b, { alertname: 'B2', host: 'h-2' })).statusCode).toBe(200);
    const grouped = await incidentOf(b, 'A2');
    expect(grouped).not.toBeNull();
    expect(await incidentOf(b, 'B2')).toBe(grouped);
  }, 180_000);

  it('runbook runs queued for the cluster are each carried out once by the two replicas', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-replica-runbooks-'));
    const counter = path.join(work, 'executions.txt');
    const append = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'runbooks', 'testing', 'append.fixture.js');
    fs.writeFileSync(
      path.join(work, 'count.yaml'),
      `id: count\ntitle: Count\nparams: { host: { type: string } }\nsteps:\n  - name: count\n    run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(append)}, ${JSON.stringify(counter)}]\nsafety: { mode: manual, approvers: 0, cooldown: 0s, maxRunsPerHour: 100 }\n`,
    );
    try {
      const { a, b } = await replicas({ runbooks: { dir: work, globalRunsPerHour: 100, queuePollMs: 100 } });
      // Runs left queued and unheld (as by a replica that died before starting them): the one queue of the cluster.
      const ids: number[] = [];
      for (let i = 0; i < 12; i++) {
        const plan = await a.app.runbooks.service.plan('count', { host: `h${i}` });
        const run = await a.app.runbooks.store.insert(
          { runbookId: 'count', title: plan.title, target: plan.targets[0]!, state: 'queued', reason: null, params: plan.params, labels: {}, plan, incidentId: null, alertId: null, dryRun: false, trigger: 'manual', approvalsRequired: 0, requestedBy: 'test', requestedByKind: 'system', requestedByUserId: null },
          Date.now(),
        );
        ids.push(run.id);
      }
      // Both replicas drain it at once (their timers run too).
      await Promise.all([a.app.runbooks.service.drainQueue(3), b.app.runbooks.service.drainQueue(3)]);
      const runs = async () => (await a.injectAs('admin', { method: 'GET', url: '/api/v1/runbook-runs?runbook=count' })).json() as { runs: { id: number; state: string }[] };
      await eventually(runs, (found) => found.runs.length === 12 && found.runs.every((run) => run.state === 'succeeded'), 90_000);
      // Each run's step ran exactly once across the two replicas.
      const lines = fs.readFileSync(counter, 'utf8').trim().split('\n');
      expect([...lines].sort()).toEqual(ids.map((id) => `ran ${id}`).sort());
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);

  it.skipIf(prometheusMissing() !== null)('anomaly watches are shared out, each scored by one replica; when a replica leaves, the other takes its watches', async () => {
    const step = 60;
    const count = 240;
    const end = Math.floor(Date.now() / 1000 / step) * step - 2 * step;
    const prometheus = await startPrometheus({
      backfill: openMetricsGauge('sco_replica_watch', [{ instance: 'a' }], { fromSeconds: end - (count - 1) * step, stepSeconds: step, count }, (i) => 100 + 10 * Math.sin(i / 9)),
    });
    try {
      const { a, b } = await replicas({ datasources: { watches: { syncMs: 200, backfillRows: count, minTrainRows: 60, trainWindow: count } } });
      const source = (await a.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom', type: 'prometheus', url: prometheus.url } })).json() as { id: number };
      const ids: number[] = [];
      for (let i = 0; i < 8; i++) {
        const created = await a.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: `w${i}`, datasourceId: source.id, query: 'sco_replica_watch', stepSeconds: step } });
        expect(created.statusCode, created.body).toBe(201);
        ids.push((created.json() as { id: number }).id);
      }
      const runners = { a: a.app.datasources.runner, b: b.app.datasources.runner };
      // Every watch followed by exactly one replica, and either replica's API names that one as scoring it.
      const followed = () => [...runners.a.followed(), ...runners.b.followed()].sort((x, y) => x - y);
      await eventually(followed, (all) => JSON.stringify(all) === JSON.stringify(ids), 60_000);
      const watches = async (server: TestServer) => (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/watches' })).json() as { watches: { id: number; state: string; scoredBy: string | null; series: unknown[] }[] };
      const scorerOf = (id: number) => (runners.a.followed().includes(id) ? runners.a.replicaId : runners.b.replicaId);
      await eventually(
        () => watches(b),
        (page) => page.watches.length === 8 && page.watches.every((w) => w.state === 'running' && w.scoredBy === scorerOf(w.id) && w.series.length === 1),
        60_000,
      );
      // Neither followed a watch the other did (the union above has no repeats) nor were both idle.
      expect(runners.a.followed().filter((id) => runners.b.followed().includes(id))).toEqual([]);

      // A leaves (its claims session ends with it): B takes every watch and says so.
      servers.splice(servers.indexOf(a), 1);
      await a.close();
      await eventually(() => runners.b.followed().sort((x, y) => x - y), (all) => JSON.stringify(all) === JSON.stringify(ids), 60_000);
      await eventually(
        () => watches(b),
        (page) => page.watches.every((w) => w.state === 'running' && w.scoredBy === runners.b.replicaId),
        60_000,
      );
    } finally {
      await prometheus.stop();
    }
  }, 180_000);
});



describe.skipIf(unavailable !== undefined)('a replica that loses its PostgreSQL', () => {
  let postgres: TestPostgres;
  let server: TestServer | undefined;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await postgres?.stop();
  }, 60_000);

  it('is not ready and refuses writes with 503 while it is gone, and recovers by itself', async () => {
    const env = { SMARTCLOUDOPS_DATABASE_URL: await postgres.createDatabase('outage') };
    server = await startTestServer({ env, listen: true, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sco-outage-')) });
    const token = await server.tokenFor('operator');
    const write = () => server!.app.inject({ method: 'POST', url: '/api/v1/alerts', headers: { authorization: `Bearer ${token}` }, payload: { alerts: [{ status: 'firing', labels: { alertname: 'X' } }] } });
    expect((await server.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);

    await postgres.suspend();
    const notReady = await server.app.inject({ method: 'GET', url: '/ready' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().error.message).toMatch(/Database unreachable/);
    const refused = await eventually(write, (response) => response.statusCode === 503, 60_000);
    expect(refused.json().error.code).toBe('E_UNAVAILABLE');
    expect(refused.headers['retry-after']).toBe('5');
    // Liveness is not readiness: the process is fine, the orchestrator must not restart it.
    expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);

    await postgres.resume();
    await eventually(() => server!.app.inject({ method: 'GET', url: '/ready' }), (response) => response.statusCode === 200, 90_000);
    expect((await eventually(write, (response) => response.statusCode === 200, 60_000)).statusCode).toBe(200);
    // Sessions survived (they are in the database): the token still authenticates.
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
  }, 300_000);
});
