import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../../shared/api/incidents.ts';
import { AppError } from '../../../shared/errors.ts';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { bundleFixture } from '../testing/bundle-fixture.ts';
import { OfflineReads } from './offline-reads.ts';

const unreachable = () => Promise.reject(new AppError('E_NETWORK', 'The server cannot be reached.'));

describe('incident and alert lists offline', () => {
  let dir: string;
  let cache: LocalCache;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-offline-list-'));
    cache = openLocalCache(path.join(dir, 'profile.db'));
  });
  afterEach(() => {
    cache.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function put(id: number, change: Partial<Incident>, labels: Record<string, string> = { host: 'web-1' }): void {
    const bundle = bundleFixture(id, 1_000 * id);
    cache.incidents.putIncident({ ...bundle.incident, ...change }, 5_000);
    cache.incidents.putAlert({ ...bundle.alerts[0]!, labels }, 5_000);
  }

  it('answers the query asked (filters, sort, page, total), as the server would, not the newest incidents whatever was asked', async () => {
    put(1, { status: 'resolved', severity: 'critical', resolvedAt: 1_500 });
    put(2, { status: 'open', severity: 'warning', commander: 'ana', title: 'Disk full on db-2' }, { host: 'db-2' });
    put(3, { status: 'open', severity: 'critical' });
    put(4, { status: 'mitigated', severity: 'info', lastActivityAt: 99_000 });
    put(5, { status: 'open', severity: 'critical' }, { host: 'db-2' });
    const reads = new OfflineReads({ transport: unreachable, cache });
    const ids = async (query: Parameters<OfflineReads['incidents']>[0]) => {
      const page = await reads.incidents(query);
      expect(page.source).toBe('cache');
      return { ids: page.data.items.map((incident) => incident.id), total: page.data.total };
    };

    expect(await ids({ status: 'open' })).toEqual({ ids: [5, 3, 2], total: 3 });
    expect(await ids({ status: 'open,mitigated', severity: 'critical' })).toEqual({ ids: [5, 3], total: 2 });
    expect(await ids({ status: 'open', limit: 2 })).toEqual({ ids: [5, 3], total: 3 });
    expect(await ids({ status: 'open', limit: 2, offset: 2 })).toEqual({ ids: [2], total: 3 });
    expect(await ids({ commander: 'ana' })).toEqual({ ids: [2], total: 1 });
    expect(await ids({ unassigned: true, status: 'open' })).toEqual({ ids: [5, 3], total: 2 });
    expect(await ids({ q: 'DISK' })).toEqual({ ids: [2], total: 1 });
    expect(await ids({ label: 'host=db-2' })).toEqual({ ids: [5, 2], total: 2 });
    expect(await ids({ sort: 'lastActivityAt', order: 'desc', limit: 1 })).toEqual({ ids: [4], total: 5 });
    expect(await ids({ sort: 'severity', order: 'asc' })).toEqual({ ids: [4, 2, 1, 3, 5], total: 5 });
    expect(await ids({ from: 2_000 })).toEqual({ ids: [5, 4, 3, 2], total: 4 });
    expect(await ids({ to: 2_000 })).toEqual({ ids: [2, 1], total: 2 });
  });

  it('answers the alert query asked too: labels, search, silenced, time, sort', async () => {
    put(1, {}, { host: 'web-1', alertname: 'HighCpu' });
    put(2, {}, { host: 'db-2', alertname: 'DiskFull' });
    put(3, {}, { host: 'db-2', alertname: 'HighCpu' });
    const silenced = bundleFixture(3, 3_000).alerts[0]!;
    cache.incidents.putAlert({ ...silenced, labels: { host: 'db-2', alertname: 'HighCpu' }, silenced: true, silencedBy: [7], severity: 'warning' }, 5_000);
    const reads = new OfflineReads({ transport: unreachable, cache });
    const ids = async (query: Parameters<OfflineReads['alerts']>[0]) => {
      const page = await reads.alerts(query);
      expect(page.source).toBe('cache');
      return { ids: page.data.items.map((alert) => alert.id), total: page.data.total };
    };
    expect(await ids({ label: 'host=db-2' })).toEqual({ ids: [30, 20], total: 2 });
    expect(await ids({ label: 'host=db-2,alertname=HighCpu' })).toEqual({ ids: [30], total: 1 });
    expect(await ids({ q: 'DISKFULL' })).toEqual({ ids: [20], total: 1 });
    expect(await ids({ q: 'cpu high' })).toEqual({ ids: [30, 20, 10], total: 3 });
    expect(await ids({ silenced: false })).toEqual({ ids: [20, 10], total: 2 });
    expect(await ids({ to: 2_000 })).toEqual({ ids: [20, 10], total: 2 });
    expect(await ids({ sort: 'severity', order: 'asc', limit: 1 })).toEqual({ ids: [30], total: 3 });
    expect(await ids({ order: 'asc', limit: 2, offset: 1 })).toEqual({ ids: [20, 30], total: 3 });
  });
});
