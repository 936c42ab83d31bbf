import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRAPE_LIMITS, scrapeTarget } from './prometheus-scrape.ts';
import { parseScrapeTargets } from '../../config.ts';
import { startTestServer } from '../../testing/test-server.ts';
import { freePort, REFUSED_URL } from '../../testing/prometheus.ts';
import type { SeriesListResponse } from '../../../../shared/api/metrics.ts';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const available = fs.existsSync(NODE_EXPORTER);

let exporter: ChildProcess | undefined;
let target = '';
let textfiles = '';

describe.skipIf(!available)('scraping a real node_exporter', () => {
  beforeAll(async () => {
    const port = await freePort();
    target = `http://127.0.0.1:${port}/metrics`;
    // The textfile collector as hosts use it (cron jobs writing *.prom), one file broken.
    textfiles = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-textfile-'));
    fs.writeFileSync(path.join(textfiles, 'backup.prom'), [
      '# HELP backup_last_success_timestamp_seconds Last good backup\\nwith "quotes" and \\\\ slash.',
      '# TYPE backup_last_success_timestamp_seconds gauge',
      'backup_last_success_timestamp_seconds{job="db"} 1767225600',
      'backup_files{Job="db"} 12',
      'backup_files{job="db"} 13',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(textfiles, 'broken.prom'), 'broken metric line {\n');
    exporter = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`, `--collector.textfile.directory=${textfiles}`], { stdio: 'ignore' });
    for (;;) {
      const ok = await fetch(target).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(() => {
    exporter?.kill();
    if (textfiles) fs.rmSync(textfiles, { recursive: true, force: true });
  });

  it('stores its series with an instance label and up = 1', async () => {
    const { batches, error } = await scrapeTarget(target, 1000);
    expect(error).toBeUndefined();
    const instance = new URL(target).host;
    expect(batches[0]).toEqual({ name: 'up', labels: { instance }, samples: [[1000, 1]] });
    const cpu = batches.filter((b) => b.name === 'node_cpu_seconds_total');
    expect(cpu.length).toBeGreaterThan(0);
    expect(cpu[0]!.labels).toMatchObject({ instance, cpu: expect.any(String), mode: expect.any(String) });
    expect(batches.find((b) => b.name === 'node_load1')?.samples[0]?.[1]).toEqual(expect.any(Number));
    for (const b of batches) expect(Number.isFinite(b.samples[0]![1])).toBe(true);
  });

  it('reads its textfile collector: a broken file flagged, HELP escapes skipped, labels differing by case kept apart, empty labels dropped as Prometheus drops them', async () => {
    const { batches, error } = await scrapeTarget(target, 1000);
    expect(error).toBeUndefined();
    const instance = new URL(target).host;
    const value = (name: string, labels: Record<string, string> = {}) => batches.find((b) => b.name === name && JSON.stringify(b.labels) === JSON.stringify({ instance, ...labels }))?.samples[0]?.[1];
    expect(value('node_textfile_scrape_error')).toBe(1);
    expect(value('backup_last_success_timestamp_seconds', { job: 'db' })).toBe(1767225600);
    // node_exporter fills the label a series lacks with "" (backup_files{Job="",job="db"}); Prometheus stores no empty label.
    expect(value('backup_files', { Job: 'db' })).toBe(12);
    expect(value('backup_files', { job: 'db' })).toBe(13);
  });

  it('runs as a server job from SMARTCLOUDOPS_SCRAPE_TARGETS', async () => {
    const server = await startTestServer({ env: { SMARTCLOUDOPS_SCRAPE_TARGETS: target }, config: { collectIntervalSeconds: 1 } });
    try {
      await server.app.ready();
      const match = encodeURIComponent(`node_load1{instance="${new URL(target).host}"}`);
      for (;;) {
        const body = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/metrics/series?match=${match}` })).json() as SeriesListResponse;
        if (body.series.length === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await server.close();
    }
  });
});

describe('scrape targets', () => {
  it('records up = 0 for a target that does not answer', async () => {
    const result = await scrapeTarget(`${REFUSED_URL}/metrics`, 5);
    expect(result.error).toMatch(/failed/);
    expect(result.batches).toEqual([{ name: 'up', labels: { instance: new URL(REFUSED_URL).host }, samples: [[5, 0]] }]);
  });

  it('reads an exporter that answers OpenMetrics though asked for the text format', async () => {
    const body = '# TYPE jobs counter\njobs_total{queue="a"} 5 1767225600.5 # {trace_id="x"} 1\njobs_created{queue="a"} 1767225000\n# EOF\n';
    const exporter = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' }).end(body));
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = exporter.address() as AddressInfo;
      // Scraped a second after the sample's own time (a stamp far ahead of the scrape is left out).
      const now = 1767225601000;
      const result = await scrapeTarget(`http://127.0.0.1:${port}/metrics`, now);
      expect(result.error).toBeUndefined();
      const instance = `127.0.0.1:${port}`;
      expect(result.batches).toEqual([
        { name: 'up', labels: { instance }, samples: [[now, 1]] },
        { name: 'jobs_total', labels: { instance, queue: 'a' }, samples: [[1767225600500, 5]] },
        { name: 'jobs_created', labels: { instance, queue: 'a' }, samples: [[now, 1767225000]] },
      ]);
    } finally {
      exporter.closeAllConnections();
      await new Promise((resolve) => exporter.close(resolve));
    }
  });

  it('fails a scrape past the sample limit or the body limit (a gzip bomb counted as unpacked), with up = 0', async () => {
    // A cardinality bomb: one series more than a scrape takes, each line short (about 1 MB in all).
    const bomb = Array.from({ length: SCRAPE_LIMITS.maxSamples + 1 }, (_, i) => `bomb{id="${i}"} 1`).join('\n');
    // 20 MiB of comments that gzip to a few KiB: under the sample limit, over the byte limit.
    const packed = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, '#\n'));
    const exporter = http.createServer((req, res) => {
      if (req.url === '/bomb') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(bomb);
      else res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-encoding': 'gzip' }).end(packed);
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = exporter.address() as AddressInfo;
      const instance = `127.0.0.1:${port}`;
      const samples = await scrapeTarget(`http://${instance}/bomb`, 9);
      expect(samples.error).toMatch(new RegExp(`more than ${SCRAPE_LIMITS.maxSamples} samples`));
      expect(samples.batches).toEqual([{ name: 'up', labels: { instance }, samples: [[9, 0]] }]);
      // SMARTCLOUDOPS_SCRAPE_SAMPLE_LIMIT moves the bound; 0 takes them all, as Prometheus's sample_limit 0.
      expect((await scrapeTarget(`http://${instance}/bomb`, 9, { maxSamples: 100 })).error).toMatch(/more than 100 samples/);
      const unbounded = await scrapeTarget(`http://${instance}/bomb`, 9, { maxSamples: 0 });
      expect(unbounded.error).toBeUndefined();
      expect(unbounded.batches).toHaveLength(SCRAPE_LIMITS.maxSamples + 2);
      const bytes = await scrapeTarget(`http://${instance}/gzip-bomb`, 9);
      expect(bytes.error).toMatch(/answered more than 16 MiB/);
      expect(bytes.batches).toEqual([{ name: 'up', labels: { instance }, samples: [[9, 0]] }]);
    } finally {
      exporter.closeAllConnections();
      await new Promise((resolve) => exporter.close(resolve));
    }
  });

  it('fails a scrape whose series pass the label limits (500 labels, a 1 MB value), as Prometheus does, and takes them when the limit is 0', async () => {
    const wide = `wide{${Array.from({ length: 500 }, (_, i) => `l${i}="v"`).join(',')}} 1\n`;
    const huge = `huge{blob="${'x'.repeat(1024 * 1024)}"} 1\n`;
    const longName = `named{${'n'.repeat(300)}="v"} 1\n`;
    const bodies: Record<string, string> = { '/wide': wide, '/huge': huge, '/name': longName };
    const exporter = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`ok 1\n${bodies[req.url ?? ''] ?? ''}`));
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    try {
      const instance = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
      const failed = { batches: [{ name: 'up', labels: { instance }, samples: [[9, 0]] }] };
      expect(await scrapeTarget(`http://${instance}/wide`, 9)).toEqual({ ...failed, error: expect.stringMatching(/line 2: wide has more than 64 labels \(label_limit\)/) });
      expect(await scrapeTarget(`http://${instance}/huge`, 9)).toEqual({ ...failed, error: expect.stringMatching(/value of label blob is 1048576 bytes, more than 2048 \(label_value_length_limit\)/) });
      expect(await scrapeTarget(`http://${instance}/name`, 9)).toEqual({ ...failed, error: expect.stringMatching(/longer than 256 bytes \(label_name_length_limit\)/) });
      expect((await scrapeTarget(`http://${instance}/wide`, 9, { maxLabels: 0 })).batches).toHaveLength(3);
      expect((await scrapeTarget(`http://${instance}/huge`, 9, { maxLabelValueLength: 0 })).batches).toHaveLength(3);
      expect((await scrapeTarget(`http://${instance}/name`, 9, { maxLabelNameLength: 0 })).batches).toHaveLength(3);
    } finally {
      exporter.closeAllConnections();
      await new Promise((resolve) => exporter.close(resolve));
    }
  });

  it('leaves out samples stamped before 1970 or far in the future (one from 2100 stayed the latest value for good), keeping the rest', async () => {
    const now = 1_767_225_600_000;
    const body = [`past{k="neg"} 1 -1000`, `past{k="epoch"} 2 0`, `soon 3 ${now + 60_000}`, `future 4 4102444800000`, `absurd 5 100000000000000000000`, 'plain 6', ''].join('\n');
    const exporter = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body));
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    try {
      const instance = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
      const result = await scrapeTarget(`http://${instance}/metrics`, now);
      expect(result.error).toBeUndefined();
      expect(result.warning).toMatch(/left out 3 sample\(s\) stamped before 1970 or more than 10 minutes ahead/);
      expect(result.batches.map((b) => [b.name, b.samples[0]![0]])).toEqual([['up', now], ['past', 0], ['soon', now + 60_000], ['plain', now]]);
    } finally {
      exporter.closeAllConnections();
      await new Promise((resolve) => exporter.close(resolve));
    }
  });

  it('reads the target list from the environment and refuses what is not an http(s) URL', () => {
    expect(parseScrapeTargets(undefined)).toEqual([]);
    expect(parseScrapeTargets(' http://127.0.0.1:9100/metrics, https://a.example/metrics ')).toEqual(['http://127.0.0.1:9100/metrics', 'https://a.example/metrics']);
    expect(() => parseScrapeTargets('ftp://x/metrics')).toThrow(/SMARTCLOUDOPS_SCRAPE_TARGETS/);
    expect(() => parseScrapeTargets('not a url')).toThrow(/SMARTCLOUDOPS_SCRAPE_TARGETS/);
  });
});
