import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiRequest, Transport } from '../../../shared/api/client.ts';
import { AppError } from '../../../shared/errors.ts';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { METRICS_COLLECTION, pullMetrics } from './metrics-pull.ts';

/**
 * A hostile or broken server answering the export: pages that say "more" without moving the
 * cursor forward must end the pull with an error, not keep it asking for ever.
 */
describe('metrics pull against a server whose export cursor does not advance', () => {
  let dir: string;
  let cache: LocalCache;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-hostile-export-'));
    cache = openLocalCache(path.join(dir, 'profile.db'));
  });
  afterEach(() => {
    cache.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A server answering every export request with `page(after)`; it gives up (and says so) after 50 requests. */
  function server(page: (after: string | undefined) => { cursor: string; more: boolean; samples: number }): { transport: Transport; requests: () => number } {
    let requests = 0;
    const transport: Transport = async (request: ApiRequest) => {
      if (request.path.endsWith('/metrics/series')) return { series: [] };
      if (++requests > 50) throw new Error('the client kept asking');
      const { cursor, more, samples } = page(request.query?.after as string | undefined);
      const ids = Array.from({ length: samples }, () => 1);
      return {
        series: samples ? [{ id: 1, name: 'cpu', labels: { host: 'a' } }] : [],
        chunkSeriesIds: [],
        chunks: [],
        seriesIds: ids,
        timestamps: ids.map((_, i) => 1_000 + i),
        values: ids.map(() => 1),
        cursor,
        more,
      };
    };
    return { transport, requests: () => requests };
  }

  const pull = (transport: Transport) => pullMetrics({ cache, transport, now: () => 10_000, pageSize: 100 });

  it.each([
    ['the same cursor again and again', (after: string | undefined) => ({ cursor: after ?? '5', more: true, samples: 1 })],
    ['a cursor that goes backwards', (after: string | undefined) => ({ cursor: after === undefined ? '9' : String(Number(after) - 1), more: true, samples: 1 })],
    ['empty pages that say more', (after: string | undefined) => ({ cursor: String(Number(after ?? 0) + 1), more: true, samples: 0 })],
    ['a cursor that is no cursor', () => ({ cursor: 'next', more: true, samples: 1 })],
  ])('%s: the pull fails after a page or two, and keeps the last good cursor', async (_name, page) => {
    const hostile = server(page);
    const failure = await pull(hostile.transport).then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).message).toMatch(/export/);
    expect(hostile.requests()).toBeLessThanOrEqual(3);
    const stored = cache.cursors.get(METRICS_COLLECTION).cursor;
    expect(stored === null || /^[0-9]+$/.test(stored)).toBe(true);
  });

  it('an honest server that advances its cursor is pulled to the end', async () => {
    const honest = server((after) => ({ cursor: String(Number(after ?? 0) + 1), more: Number(after ?? 0) < 2, samples: 1 }));
    await expect(pull(honest.transport)).resolves.toMatchObject({ pages: 3 });
    expect(cache.cursors.get(METRICS_COLLECTION).cursor).toBe('3');
  });
});
