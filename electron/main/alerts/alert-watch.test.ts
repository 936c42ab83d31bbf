import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../../server/src/testing/test-server.ts';
import type { Alert } from '../../../shared/api/alerts.ts';
import { testCredentialStore } from '../../test/credential-store.ts';
import { createServerAxios } from '../http/create-axios.ts';
import { ServerSession } from '../http/server-session.ts';
import { sessionEventStream } from '../stream/session-event-stream.ts';
import { StreamRelay } from '../stream/stream-relay.ts';
import { AlertWatch } from './alert-watch.ts';
import { FiringAlerts } from './firing-alerts.ts';

describe('alert watch against a real server', () => {
  let server: TestServer;
  const { store, cleanUp } = testCredentialStore();
  beforeAll(async () => {
    server = await startTestServer({ listen: true });
  });
  afterAll(async () => {
    await server.close();
    await cleanUp();
  });

  it('counts firing alerts, notifies a new critical one, and acknowledges it', async () => {
    await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', severity: 'warning', labels: { alertname: 'SlowDisk', target: 'db-1' } }]);
    const session = new ServerSession({ profileId: 'alerts', http: createServerAxios(server.url, {}), credentials: store });
    await session.loginWithPassword('admin', TEST_ADMIN_PASSWORD, false);

    const counts: number[] = [];
    const critical: Alert[] = [];
    let wake = () => {};
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise<void>((resolve) => (wake = resolve));
    };
    const firing = new FiringAlerts({
      onCount: (count) => {
        counts.push(count);
        wake();
      },
      onCritical: (alert) => {
        critical.push(alert);
        wake();
      },
    });
    const watch = new AlertWatch({ request: (request) => session.request(request), firing });
    let opened = false;
    const relay = new StreamRelay({
      send: () => {},
      onEvent: (event) => watch.handle(event),
      onOpen: () => {
        opened = true;
        void watch.reload();
      },
    });
    relay.start(sessionEventStream({ http: session.http, bearer: () => session.bearer() }));
    try {
      await until(() => opened && counts.length > 0);
      expect(firing.count()).toBe(1);

      await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', severity: 'critical', labels: { alertname: 'ApiDown', target: 'api-1' }, annotations: { summary: 'API down on api-1' } }]);
      await until(() => critical.length === 1 && firing.count() === 2);
      expect(critical[0]).toMatchObject({ severity: 'critical', annotations: { summary: 'API down on api-1' } });

      await watch.acknowledge(critical[0]!.id);
      await until(() => firing.count() === 1);
      expect(critical).toHaveLength(1);
    } finally {
      relay.stop();
    }
  });
});
