import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The Debian packages' binaries (scripts/install-system-deps.sh installs them for the tests). */
export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';
export const NODE_EXPORTER_BIN = '/usr/bin/prometheus-node-exporter';

/** Why Prometheus tests cannot run here, or null when they can (for `describe.skipIf` and its message). */
export function prometheusMissing(): string | null {
  const missing = [PROMETHEUS_BIN, PROMTOOL_BIN, NODE_EXPORTER_BIN].filter((bin) => !fs.existsSync(bin));
  return missing.length > 0 ? `skipped: ${missing.join(', ')} not installed (apt-get install prometheus prometheus-node-exporter)` : null;
}

/**
 * An address that refuses connections, for a "source is down" case. Port 1 is privileged and
 * nothing in the tests listens on it; a port that `freePort()` found free can be taken by the
 * next server any test starts (a CI run once gave it to a server that holds requests, so a
 * "refused" source timed out).
 */
export const REFUSED_URL = 'http://127.0.0.1:1';

/** A port that was free a moment ago (the process binding it retries on a clash). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, output: () => string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} not ready within ${deadlineMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function launch(bin: string, args: (port: number) => string[], readyPath: string, cwd: string): Promise<RunningProcess> {
  // A free port can be taken between our check and the bind: try a few.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(bin, args(port), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
    child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(`${url}${readyPath}`, child, () => log, 60_000);
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt < 3 && /address already in use/.test(log)) continue;
      throw error;
    }
    return {
      url,
      port,
      process: child,
      output: () => log,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    };
  }
}

/** The real node exporter on a free loopback port. */
export function startNodeExporter(dir: string): Promise<RunningProcess> {
  return launch(NODE_EXPORTER_BIN, (port) => [`--web.listen-address=127.0.0.1:${port}`], '/metrics', dir);
}

export interface PrometheusOptions {
  /** `host:port` targets scraped under job `test`. */
  targets?: string[];
  scrapeIntervalSeconds?: number;
  /** OpenMetrics text turned into TSDB blocks with promtool before start (long back-filled history). */
  backfill?: string;
  /** Extra command-line flags. */
  flags?: string[];
}

export interface RunningPrometheus extends RunningProcess {
  dir: string;
}

/**
 * A real Prometheus in a temp folder on a free loopback port, scraping the given targets,
 * optionally with history back-filled by `promtool tsdb create-blocks-from openmetrics`.
 * Retention is set far back so back-filled blocks of any age are kept.
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-prom-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  const interval = options.scrapeIntervalSeconds ?? 1;
  const config = [
    'global:',
    `  scrape_interval: ${interval}s`,
    `  evaluation_interval: ${interval}s`,
    'scrape_configs:',
    '  - job_name: test',
    '    static_configs:',
    `      - targets: [${(options.targets ?? []).map((t) => `'${t}'`).join(', ')}]`,
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `${config}\n`);
  if (options.backfill !== undefined) {
    const input = path.join(dir, 'backfill.om');
    fs.writeFileSync(input, options.backfill.endsWith('# EOF\n') ? options.backfill : `${options.backfill}# EOF\n`);
    const result = spawnSync(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, data], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`promtool back-fill failed: ${result.stderr || result.stdout}`);
  }
  const running = await launch(
    PROMETHEUS_BIN,
    (port) => [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      ...(options.flags ?? []),
    ],
    '/-/ready',
    dir,
  );
  return {
    ...running,
    dir,
    async stop() {
      await running.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until Prometheus has at least one sample for the selector (scrapes are asynchronous). */
export async function waitForSeries(prometheus: { url: string }, selector: string, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(`count(${selector})`)}`);
    const body = (await response.json()) as { data?: { result?: unknown[] } };
    if ((body.data?.result?.length ?? 0) > 0) return;
    if (Date.now() > until) throw new Error(`no series for ${selector} within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * OpenMetrics text of one gauge family for `startPrometheus({ backfill })`: for each label
 * set, `count` samples `stepSeconds` apart from `fromSeconds`, valued by `value(i, series)`.
 */
export function openMetricsGauge(
  name: string,
  labelSets: ReadonlyArray<Record<string, string>>,
  range: { fromSeconds: number; stepSeconds: number; count: number },
  value: (index: number, series: number) => number,
): string {
  const lines = [`# TYPE ${name} gauge`];
  labelSets.forEach((labels, series) => {
    const text = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
    for (let i = 0; i < range.count; i++) lines.push(`${name}{${text}} ${value(i, series)} ${range.fromSeconds + i * range.stepSeconds}`);
  });
  return `${lines.join('\n')}\n`;
}
