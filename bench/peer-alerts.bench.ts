/**
 * `npm run bench:peer-alerts`: the alert rounds of `bench:peer` alone, quick enough to
 * iterate on (a minute or two instead of 6): 10,000 alerts in batches of 100, four POSTs in
 * flight, ours through the Alertmanager webhook receiver (every alert durable before the
 * 200) and the real Alertmanager 0.25 (`/api/v2/alerts`) when installed, rounds interleaved;
 * with BENCH_BASE, a second server of ours from another checkout takes the same rounds (an
 * A/B of two commits in one run on one machine). Each round is fresh alerts (new
 * fingerprints) grouped into 8 incidents that grow across the rounds, as in `bench:peer`;
 * BENCH_REPEAT=1 also runs rounds that post the previous round's alerts again (repeats of
 * firing alerts).
 *
 * Env: BENCH_ROUNDS (default 3), BENCH_BASE (root of another checkout), BENCH_PROF (a
 * folder: our server runs with `--cpu-prof` there), BENCH_NODE_ARGS (more node flags for
 * our server, space-separated: e.g. `--import=<a hook that times GC>`), BENCH_REPEAT.
 * Prints alerts/s and the server's CPU per 10,000 alerts per round; the last line is one JSON
 * object with the best round of each and the ratios.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildProcesses, cpuSeconds, freePort, waitForReady, which } from './support/processes.ts';
import { startOurServer, type OurServer } from './support/our-server.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REPEAT = process.env.BENCH_REPEAT === '1';
const ALERTS = 10_000;
const ALERT_BATCH = 100;
const IN_FLIGHT = 4;
const root = path.resolve(import.meta.dirname, '..');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-peer-alerts-'));
// Interrupted (Ctrl-C, a timeout): stop the servers this bench started and remove its files.
const children = new ChildProcesses(() => fs.rmSync(work, { recursive: true, force: true }));

interface Round {
  alertsPerSecond: number;
  /** CPU seconds the server spent on the round's 10,000 alerts (null for the peer: its CPU is not ours to compare). */
  cpuSeconds: number | null;
}

/** The same alerts `bench:peer` posts: round `r`, batch `batch`. */
const alertsOf = (batch: number, r: number, startsAt: string) =>
  Array.from({ length: ALERT_BATCH }, (_, i) => ({
    labels: { alertname: `BenchAlert${i % 8}`, instance: `i-${batch * ALERT_BATCH + i}`, round: String(r), severity: 'warning' },
    annotations: { summary: 'bench' },
    startsAt,
  }));

async function alertRound(post: (batch: number) => Promise<Response>, pid?: number): Promise<Round> {
  const cpuBefore = pid === undefined ? 0 : cpuSeconds(pid);
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < ALERTS / ALERT_BATCH) {
      const response = await post(next++);
      if (response.status !== 200) throw new Error(`alert batch: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { alertsPerSecond: Math.round(ALERTS / seconds), cpuSeconds: pid === undefined ? null : Math.round((cpuSeconds(pid) - cpuBefore) * 100) / 100 };
}

const oursPost = (server: OurServer, r: number, startsAt: string) => (batch: number) =>
  fetch(`${server.url}/api/v1/integrations/alertmanager`, {
    method: 'POST',
    headers: { ...server.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ version: '4', status: 'firing', receiver: 'bench', alerts: alertsOf(batch, r, startsAt).map((a) => ({ status: 'firing', ...a, endsAt: '0001-01-01T00:00:00Z' })) }),
  });

/** BENCH_OURS_ENV / BENCH_BASE_ENV: more environment for that server, as JSON (e.g. '{"NODE_OPTIONS":"--max-semi-space-size=64"}'). */
const envOf = (label: 'ours' | 'base') => JSON.parse(process.env[`BENCH_${label.toUpperCase()}_ENV`] ?? '{}') as Record<string, string>;

const best = (rounds: Round[]) => rounds.reduce((a, b) => (b.alertsPerSecond > a.alertsPerSecond ? b : a));
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);

try {
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROF)}`] : [];
  prof.push(...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []));
  const servers: Array<{ label: string; server: OurServer; rounds: Round[]; repeats: Round[] }> = [
    { label: 'ours', server: await startOurServer({ label: 'ours', checkout: root, dataDir: path.join(work, 'ours'), children, nodeArgs: prof, env: envOf('ours') }), rounds: [], repeats: [] },
  ];
  if (process.env.BENCH_BASE) {
    const base = await startOurServer({ label: 'base', checkout: path.resolve(process.env.BENCH_BASE), dataDir: path.join(work, 'base'), children, env: envOf('base') });
    servers.push({ label: 'base', server: base, rounds: [], repeats: [] });
  }

  const alertmanagerBin = which('prometheus-alertmanager') ?? which('alertmanager');
  let amUrl: string | undefined;
  if (alertmanagerBin) {
    const amPort = await freePort();
    const amConfig = path.join(work, 'alertmanager.yml');
    fs.writeFileSync(amConfig, 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
    children.start(alertmanagerBin, [`--config.file=${amConfig}`, `--storage.path=${path.join(work, 'alertmanager')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=']);
    amUrl = `http://127.0.0.1:${amPort}`;
    await waitForReady(`${amUrl}/-/ready`, 'alertmanager');
  } else {
    console.log('Alertmanager not installed (Debian package prometheus-alertmanager): ours only.');
  }
  const amRounds: Round[] = [];

  console.log(`load average at the start: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of servers) {
      const pid = s.server.child.pid!;
      const round = await alertRound(oursPost(s.server, r, startsAt), pid);
      s.rounds.push(round);
      console.log(`round ${r} ${s.label}: ${round.alertsPerSecond} alerts/s, ${round.cpuSeconds} CPU-s`);
      if (REPEAT) {
        const repeat = await alertRound(oursPost(s.server, r, startsAt), pid);
        s.repeats.push(repeat);
        console.log(`round ${r} ${s.label}, the same alerts again: ${repeat.alertsPerSecond} alerts/s, ${repeat.cpuSeconds} CPU-s`);
      }
    }
    if (amUrl) {
      const round = await alertRound((batch) => fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alertsOf(batch, r, startsAt)) }));
      amRounds.push(round);
      console.log(`round ${r} Alertmanager: ${round.alertsPerSecond} alerts/s`);
    }
  }
  const figures = Object.fromEntries(servers.map((s) => [s.label, { best: best(s.rounds), rounds: s.rounds, ...(REPEAT ? { repeats: s.repeats } : {}) }]));
  const am = amRounds.length > 0 ? best(amRounds).alertsPerSecond : null;
  const ours = best(servers[0]!.rounds);
  const base = servers[1] ? best(servers[1].rounds) : undefined;
  console.log(`best: ours ${ours.alertsPerSecond} alerts/s${base ? `, base ${base.alertsPerSecond}` : ''}${am ? `, Alertmanager ${am}` : ''}; load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(JSON.stringify({
    bench: 'peer-alerts',
    ...figures,
    alertmanager: am,
    alertIngestRatio: am ? ratio(ours.alertsPerSecond, am) : null,
    ...(base ? { oursOverBase: ratio(ours.alertsPerSecond, base.alertsPerSecond) } : {}),
    loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
  }));
  await children.stopAll();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
