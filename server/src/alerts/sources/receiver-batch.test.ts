import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../../../shared/api/alerts.ts';
import type { StreamEvent } from '../../../../shared/api/stream.ts';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import { AlertService } from '../service.ts';

/**
 * The Alertmanager receiver takes a POST as one batch in one transaction: these are the
 * batch's own cases (an alert twice in one POST, resolved and re-fired in one POST, a
 * failure half-way), each checked against the same alerts sent one POST at a time.
 */
describe('Alertmanager receiver batches', { timeout: 120_000 }, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function receiver() {
    const server = await startTestServer({ alerts: { sweepIntervalMs: 0 } });
    servers.push(server);
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'am', role: 'operator', scopes: ['alerts:write'] } });
    const key = created.json().secret as string;
    const post = (...alerts: object[]) =>
      server.app.inject({ method: 'POST', url: '/api/v1/integrations/alertmanager', headers: { authorization: `Bearer ${key}` }, payload: { version: '4', status: 'firing', receiver: 'test', alerts } });
    const alerts = async () => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?limit=100&sort=startsAt&order=asc' })).json() as { items: Alert[] }).items;
    return { server, post, alerts };
  }

  /** Makes the database refuse any alert of instance "b"; answers whether it is PostgreSQL. */
  async function refuseInstanceB(server: TestServer): Promise<boolean> {
    const postgres = server.app.ctx.sql.dialect === 'postgres';
    const refusal = postgres
      ? [
          `CREATE FUNCTION refuse_b() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.labels LIKE '%"instance":"b"%' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`,
          'CREATE TRIGGER refuse_b BEFORE INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION refuse_b()',
        ]
      : [`CREATE TRIGGER refuse_b BEFORE INSERT ON alerts WHEN NEW.labels LIKE '%"instance":"b"%' BEGIN SELECT RAISE(ABORT, 'refused'); END`];
    for (const statement of refusal) await sql.raw(statement).execute(server.app.ctx.sql.db);
    return postgres;
  }

  const at = '2026-12-02T10:00:00Z';
  const alert = (instance: string, status: 'firing' | 'resolved' = 'firing', extra: object = {}) => ({
    status,
    labels: { alertname: 'DiskFull', service: 'db', instance },
    annotations: { summary: `disk on ${instance}` },
    startsAt: at,
    ...(status === 'resolved' ? { endsAt: '2026-12-02T10:05:00Z' } : { endsAt: '0001-01-01T00:00:00Z' }),
    ...extra,
  });

  /** What an alert ends as, without ids and clocks. */
  const endState = (a: Alert) => ({ labels: a.labels, state: a.state, severity: a.severity, occurrences: a.occurrences, annotations: a.annotations });

  it('takes the same alert twice in one POST as two notifications of one alert, as two POSTs would', async () => {
    const batched = await receiver();
    const response = await batched.post(alert('a'), alert('a', 'firing', { annotations: { summary: 'disk on a, again' } }), alert('b'));
    expect(response.statusCode).toBe(200);
    expect(new Set(response.json().alertIds).size).toBe(2);
    const one = await receiver();
    for (const a of [alert('a'), alert('a', 'firing', { annotations: { summary: 'disk on a, again' } }), alert('b')]) expect((await one.post(a)).statusCode).toBe(200);
    expect((await batched.alerts()).map(endState)).toEqual((await one.alerts()).map(endState));
    expect((await batched.alerts())[0]).toMatchObject({ occurrences: 2, annotations: { summary: 'disk on a, again' } });
  });

  it('takes resolved and re-fired in one POST in order: the alert ends firing, its history has every step', async () => {
    const batched = await receiver();
    expect((await batched.post(alert('a'), alert('a', 'resolved'), alert('a', 'firing', { startsAt: '2026-12-02T10:10:00Z' }))).statusCode).toBe(200);
    const one = await receiver();
    for (const a of [alert('a'), alert('a', 'resolved'), alert('a', 'firing', { startsAt: '2026-12-02T10:10:00Z' })]) expect((await one.post(a)).statusCode).toBe(200);
    const [ended] = await batched.alerts();
    expect(ended).toMatchObject({ state: 'firing', occurrences: 2 });
    expect((await batched.alerts()).map(endState)).toEqual((await one.alerts()).map(endState));
    const history = (await batched.server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${ended!.id}/history` })).json() as Array<{ fromState: string | null; toState: string }>;
    expect(history.map((h) => `${h.fromState}->${h.toState}`)).toEqual(['null->firing', 'firing->resolved', 'resolved->firing']);
  });

  it('rolls the whole POST back when a write fails half-way, and answers 5xx so that Alertmanager sends it again', async () => {
    const { server, post, alerts } = await receiver();
    const published: StreamEvent[] = [];
    server.app.ctx.events.subscribe((event) => published.push(event));
    // The database refuses the second alert (as a full disk or a corrupt page would).
    const postgres = await refuseInstanceB(server);
    const count = async (table: 'incidents' | 'audit_log', action?: string) => {
      let query = server.app.ctx.sql.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
      if (action) query = query.where('action', '=', action);
      return Number((await query.executeTakeFirstOrThrow()).n);
    };
    const failed = await post(alert('a'), alert('b'), alert('c'));
    expect(failed.statusCode).toBeGreaterThanOrEqual(500);
    expect(failed.json().error).toBeDefined();
    // Nothing of the batch stayed: no alert, no incident, no audit entry, no stream event.
    expect(await alerts()).toEqual([]);
    expect(await count('incidents')).toBe(0);
    expect(await count('audit_log', 'alert.ingest')).toBe(0);
    expect(published.filter((e) => e.type === 'alert' || e.type === 'incident' || e.type === 'timeline')).toEqual([]);
    // Alertmanager's retry, once the cause is gone, stores the batch once.
    await sql.raw(postgres ? 'DROP TRIGGER refuse_b ON alerts' : 'DROP TRIGGER refuse_b').execute(server.app.ctx.sql.db);
    expect((await post(alert('a'), alert('b'), alert('c'))).statusCode).toBe(200);
    expect((await alerts()).map((a) => [a.labels.instance, a.occurrences])).toEqual([['a', 1], ['b', 1], ['c', 1]]);
  });
  it('commits the POSTs that arrive together in one transaction, each answered with its own alerts, as one POST at a time would end', async () => {
    const together = vi.spyOn(AlertService.prototype, 'ingestTogether');
    const batched = await receiver();
    // Concurrent POSTs have no order (on PostgreSQL they may commit in any), so the one
    // alert two of them share is a repeat, which ends the same either way.
    const posts = [[alert('a'), alert('b')], [alert('c'), alert('a', 'firing', { annotations: { summary: 'disk on a' } })], [alert('d'), alert('e')], [alert('f')]];
    const responses = await Promise.all(posts.map((batch) => batched.post(...batch)));
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    // On SQLite nothing awaits I/O before the handlers, so one shared transaction took all
    // four; on PostgreSQL the API key's lookup does, and they came in over a few turns.
    const shares = together.mock.calls.map(([batches]) => batches.length);
    if (batched.server.app.ctx.sql.dialect === 'sqlite') expect(shares).toEqual([4]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(4);
    const ids = responses.map((r) => r.json().alertIds as number[]);
    const byInstance = new Map((await batched.alerts()).map((a) => [a.labels.instance, a.id]));
    expect(ids).toEqual([[byInstance.get('a'), byInstance.get('b')], [byInstance.get('c'), byInstance.get('a')], [byInstance.get('d'), byInstance.get('e')], [byInstance.get('f')]]);
    const audit = await batched.server.app.ctx.sql.db.selectFrom('audit_log').select('details').where('action', '=', 'alert.ingest').execute();
    expect(audit.map((row) => JSON.parse(String(row.details)).accepted).sort()).toEqual([1, 2, 2, 2]);
    const one = await receiver();
    for (const batch of posts) expect((await one.post(...batch)).statusCode).toBe(200);
    const byLabel = (list: Alert[]) => list.map(endState).sort((x, y) => x.labels.instance!.localeCompare(y.labels.instance!));
    expect(byLabel(await batched.alerts())).toEqual(byLabel(await one.alerts()));
    expect(byLabel(await batched.alerts())[0]).toMatchObject({ occurrences: 2 });
  });

  it('answers a POST that fails in a shared transaction alone: the others of its turn are stored once', async () => {
    const { server, post, alerts } = await receiver();
    await refuseInstanceB(server);
    const [first, failing, last] = await Promise.all([post(alert('a')), post(alert('b')), post(alert('c'), alert('a'))]);
    expect([first.statusCode, last.statusCode]).toEqual([200, 200]);
    expect(failing.statusCode).toBeGreaterThanOrEqual(500);
    expect((await alerts()).map((a) => [a.labels.instance, a.occurrences]).sort()).toEqual([['a', 2], ['c', 1]]);
  });
});
