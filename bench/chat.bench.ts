/**
 * `npm run bench:chat`: how long the ChatOps parser takes per line with a large live
 * inventory (1,000 hosts, 5,000 metric names, a few runbooks), over a mix of phrases:
 * charts, alert lists, acks, silences, explanations, runbooks, typos in host and metric
 * names, unknown hosts (the fuzzy scan's worst case) and lines it does not understand.
 *
 * The peer is the same mix against the small inventory of the golden file (12 hosts, 25
 * metrics): the ratio says what the inventory's size costs. Prints figures, then one JSON
 * object on the last line. Env: BENCH_PARSES (default 20,000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { InventoryIndex, type ChatInventory } from '../shared/chatops/inventory.ts';
import { parseCommand } from '../shared/chatops/parser.ts';
import { createRandom } from '../shared/anomaly/prng.ts';

const PARSES = Number(process.env.BENCH_PARSES ?? 20_000);
const HOSTS = 1000;
const METRICS = 5000;
const TARGET_P99_MS = 5;
const now = Date.parse('2026-03-10T12:00:00Z');

/** Seeded (mulberry32): every run sees the same data. */
const random = (seed: number): (() => number) => createRandom(seed).next;
const rand = random(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

function bigInventory(): ChatInventory {
  const roles = ['web', 'api', 'db', 'cache', 'worker', 'queue', 'lb', 'search', 'auth', 'billing'];
  const regions = ['eu', 'us', 'ap'];
  const targets = Array.from({ length: HOSTS }, (_, i) => ({ name: `${roles[i % roles.length]}-${regions[i % 3]}-${Math.floor(i / 10) + 1}`, label: 'host' }));
  const base = ['node_cpu_utilisation_ratio', 'node_load1', 'node_load5', 'node_memory_utilisation_ratio', 'node_memory_used_bytes', 'node_filesystem_utilisation_ratio', 'node_network_receive_bytes_per_second', 'node_swap_used_bytes', 'http_requests_total', 'http_request_duration_seconds', 'http_errors_total', 'up'];
  const services = ['checkout', 'search', 'payments', 'inventory', 'users', 'orders', 'shipping', 'catalog', 'ledger', 'notify'];
  const things = ['queue', 'cache', 'pool', 'batch', 'job', 'rpc', 'db', 'kafka', 'redis', 'grpc'];
  const measures = ['latency_seconds', 'requests_total', 'errors_total', 'size_bytes', 'depth', 'inflight', 'retries_total', 'hits_total', 'misses_total', 'duration_seconds'];
  const metrics = new Set(base);
  for (let i = 0; metrics.size < METRICS; i++) metrics.add(`app_${services[i % 10]}_${things[Math.floor(i / 10) % 10]}_${measures[Math.floor(i / 100) % 10]}${i >= 1000 ? `_${Math.floor(i / 1000)}` : ''}`);
  const runbooks = [
    { id: 'restart-service', title: 'Restart a service', keywords: ['restart'], params: ['service', 'host'] },
    { id: 'clear-disk', title: 'Free disk space', keywords: ['clear'], params: ['host', 'path'] },
    { id: 'rollback-deploy', title: 'Roll back a deployment', keywords: ['rollback'], params: ['service', 'version'] },
  ];
  return { targets, metrics: [...metrics], runbooks };
}

/** A letter swapped in the first word of a host name: "web" → "wbe". */
function typo(name: string): string {
  return name.length > 3 ? name[0] + name[2]! + name[1]! + name.slice(3) : name;
}

function phrases(inventory: ChatInventory, count: number): string[] {
  const host = () => pick(inventory.targets).name;
  const metric = () => pick(inventory.metrics);
  const templates: (() => string)[] = [
    () => `cpu on ${host()} last 2h`,
    () => `memory of ${host()} since 9am`,
    () => `${metric()} on ${host()} yesterday 14:00`,
    () => `show me disk usage for ${typo(host())} over the past 30 minutes`,
    () => `${metric().replace('a', 'e')} ${host()}`,
    () => `what's firing on ${host()}`,
    () => 'critical alerts',
    () => `ack ${Math.floor(rand() * 500)} rolling back`,
    () => `silence disk alerts on ${host()} for 1h because maintenance`,
    () => `unsilence ${Math.floor(rand() * 50)}`,
    () => `status of #${Math.floor(rand() * 50)}`,
    () => `note on 7: rolled back deploy 4.12`,
    () => `why is ${host()} anomalous`,
    () => `bounce web on ${host()}`,
    () => `cpu on nohost-${Math.floor(rand() * 9999)} last 1h`,
    () => 'make me a sandwich please',
    () => 'help',
  ];
  return Array.from({ length: count }, () => pick(templates)());
}

interface Figures {
  p50: number;
  p99: number;
  max: number;
  mean: number;
  /** p99 of the CPU time this process spent per parse: what the parser costs, without the waits of a shared machine. */
  cpuP99: number;
  intents: Record<string, number>;
}

function measure(index: InventoryIndex, lines: readonly string[]): Figures {
  const times: number[] = [];
  const cpu: number[] = [];
  const intents: Record<string, number> = {};
  // Warm the JIT and the concept cache first, as a running server would be.
  for (const line of lines.slice(0, 500)) parseCommand(line, index, { now, utcOffsetMinutes: 0 });
  for (const line of lines) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const result = parseCommand(line, index, { now, utcOffsetMinutes: 0 });
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    intents[result.intent] = (intents[result.intent] ?? 0) + 1;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const at = (list: number[], q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))]!;
  return { p50: at(times, 0.5), p99: at(times, 0.99), max: times.at(-1)!, mean: times.reduce((a, b) => a + b, 0) / times.length, cpuP99: at(cpu, 0.99), intents };
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

const inventory = bigInventory();
const buildStart = performance.now();
const big = new InventoryIndex(inventory);
const buildMs = performance.now() - buildStart;
console.log(`inventory: ${inventory.targets.length} hosts, ${inventory.metrics.length} metric names, ${inventory.runbooks.length} runbooks; index built in ${round(buildMs, 1)} ms`);

const lines = phrases(inventory, PARSES);
const large = measure(big, lines);
console.log(`large inventory, ${PARSES} parses: p50 ${round(large.p50)} ms, p99 ${round(large.p99)} ms, max ${round(large.max)} ms, mean ${round(large.mean)} ms; CPU time p99 ${round(large.cpuP99)} ms`);
console.log(`  intents: ${Object.entries(large.intents).map(([k, v]) => `${k} ${v}`).join(', ')}`);

const golden = YAML.parse(fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../shared/chatops/golden-inventory.yaml'), 'utf8')) as ChatInventory;
const small = measure(new InventoryIndex(golden), phrases(golden, PARSES));
const load = os.loadavg()[0]!;
console.log(`peer, golden inventory (${golden.targets.length} hosts, ${golden.metrics.length} metrics): p50 ${round(small.p50)} ms, p99 ${round(small.p99)} ms`);
const ratio = round(large.p99 / small.p99, 2);
console.log(`p99 ratio large / small inventory: ${ratio}; target p99 < ${TARGET_P99_MS} ms: ${large.p99 < TARGET_P99_MS ? 'met' : 'MISSED'} (load average ${round(load, 1)} on ${os.cpus().length} cores)`);
console.log(JSON.stringify({
  bench: 'chat',
  parses: PARSES,
  hosts: inventory.targets.length,
  metrics: inventory.metrics.length,
  indexBuildMs: round(buildMs, 1),
  parseP50Ms: round(large.p50),
  parseP99Ms: round(large.p99),
  parseMaxMs: round(large.max),
  parseCpuP99Ms: round(large.cpuP99),
  peerP99Ms: round(small.p99),
  ratio,
  targetP99Ms: TARGET_P99_MS,
  met: large.p99 < TARGET_P99_MS,
  loadAverage: round(load, 1),
}));
