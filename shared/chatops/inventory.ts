import { FuzzyIndex, type FuzzyHit } from './fuzzy.ts';
import { compactKey } from './tokens.ts';
import { wordTable } from './word-table.ts';

/**
 * What the parser resolves names against: the live inventory of the server (targets and
 * metric names from the metrics store, runbooks from the runbooks feature). Plain data,
 * so the console can build the same index for a preview.
 */
export interface InventoryTarget {
  name: string;
  /** The label that names it on series and alerts: `host`, `instance` or `target`. */
  label: string;
}

export interface InventoryRunbook {
  id: string;
  title: string;
  /** Words that name what it does ("restart", "rollback"); matched against the verb. */
  keywords: readonly string[];
  /** Parameter names, in the order a bare word fills them. */
  params: readonly string[];
}

export interface ChatInventory {
  targets: readonly InventoryTarget[];
  metrics: readonly string[];
  runbooks: readonly InventoryRunbook[];
}

/** Everyday words for a metric and the name fragments that find it, best first. */
const CONCEPTS: Record<string, { words: readonly string[]; find: readonly string[]; prefer: readonly string[] }> = wordTable({
  cpu: { words: ['cpu', 'cpus', 'processor', 'compute', 'busy'], find: ['cpu'], prefer: ['utilisation', 'utilization', 'usage', 'percent', 'ratio'] },
  memory: { words: ['memory', 'mem', 'ram', 'memoryusage'], find: ['memory', 'mem_'], prefer: ['utilisation', 'utilization', 'usage', 'used', 'percent'] },
  disk: { words: ['disk', 'disks', 'storage', 'filesystem', 'filesystems', 'fs', 'space', 'diskspace', 'diskusage'], find: ['filesystem', 'disk'], prefer: ['utilisation', 'utilization', 'usage', 'used', 'percent'] },
  io: { words: ['io', 'iops', 'i/o', 'diskio', 'diskiops'], find: ['disk_read', 'disk_write', 'io'], prefer: ['reads_per', 'read'] },
  load: { words: ['load', 'loadavg', 'load1', 'loadaverage', 'loaded'], find: ['load'], prefer: ['load1', 'load_1'] },
  network: { words: ['network', 'net', 'traffic', 'bandwidth', 'throughput', 'nic'], find: ['network', 'net_'], prefer: ['receive', 'rx', 'in'] },
  // A direction said ("network out", "egress", "tx") is that direction's metric, never the other's.
  networkOut: { words: ['networkout', 'netout', 'trafficout', 'bandwidthout', 'egress', 'outbound', 'tx', 'transmit', 'transmitted', 'networktx', 'networksent', 'upload'], find: ['transmit', 'net_tx', '_tx_', 'sent'], prefer: ['bytes'] },
  networkIn: { words: ['networkin', 'netin', 'trafficin', 'bandwidthin', 'ingress', 'inbound', 'rx', 'receive', 'received', 'networkrx', 'networkreceived', 'download'], find: ['receive', 'net_rx', '_rx_', 'recv'], prefer: ['bytes'] },
  diskReads: { words: ['diskreads', 'diskread', 'reads', 'readiops', 'readops'], find: ['disk_read', 'disk_reads'], prefer: ['reads_per', 'read_ops'] },
  diskWrites: { words: ['diskwrites', 'diskwrite', 'writes', 'writeiops', 'writeops', 'diskwritten'], find: ['disk_write', 'disk_written'], prefer: ['writes_per', 'write_ops'] },
  swap: { words: ['swap', 'swapping'], find: ['swap'], prefer: ['used', 'usage'] },
  latency: { words: ['latency', 'latencies', 'response', 'responsetime', 'responsetimes', 'duration', 'p99', 'slowness'], find: ['latency', 'duration'], prefer: ['seconds', 'ms'] },
  errors: { words: ['errors', 'error', 'errorrate', '5xx', 'failures', 'exceptions'], find: ['error', '5xx', 'fail'], prefer: ['total', 'rate'] },
  requests: { words: ['requests', 'request', 'rps', 'qps', 'hits', 'reqs'], find: ['request'], prefer: ['requests_total', 'total'] },
  processes: { words: ['processes', 'procs', 'process'], find: ['process', 'procs'], prefer: ['count', 'running'] },
  // Not "health": a target's health is what is wrong with it, its alerts ("is db-2 healthy", "health of db-2",
  // like "is db-2 ok"; docs/chatops.md, alerts.list), and "healthy" would be one edit from it.
  up: { words: ['uptime', 'availability'], find: ['up'], prefer: ['up'] },
});
const CONCEPT_OF = new Map<string, string>(Object.entries(CONCEPTS).flatMap(([concept, c]) => c.words.map((w) => [w, concept] as [string, string])));
const CONCEPT_FUZZY = new FuzzyIndex<string>([...CONCEPT_OF].filter(([w]) => w.length >= 5));

/** Whether a word names a metric concept ("cpu", "memroy"), and how surely. */
export function conceptOf(norm: string): { concept: string; score: number } | null {
  const exact = CONCEPT_OF.get(norm);
  if (exact) return { concept: exact, score: 1 };
  let near = CONCEPT_NEAR.get(norm);
  if (near === undefined) {
    // The concepts never change: each word is measured against them once.
    if (CONCEPT_NEAR.size >= 20_000) CONCEPT_NEAR.clear();
    const hit = CONCEPT_FUZZY.lookup(norm)[0];
    near = hit ? { concept: hit.item, score: hit.score } : null;
    CONCEPT_NEAR.set(norm, near);
  }
  return near;
}
const CONCEPT_NEAR = new Map<string, { concept: string; score: number } | null>();

function pickMetric(metrics: readonly string[], concept: string): string | null {
  const spec = CONCEPTS[concept];
  if (!spec) return null;
  let best: { name: string; rank: number } | null = null;
  for (const name of metrics) {
    const lower = name.toLowerCase();
    const found = concept === 'up' ? lower === 'up' : spec.find.some((f) => lower.includes(f));
    if (!found) continue;
    const preferred = spec.prefer.findIndex((p) => lower.includes(p));
    // Preferred fragments first, then the shorter (more general) name, then by name for a stable answer.
    const rank = (preferred === -1 ? spec.prefer.length : preferred) * 10_000 + lower.length;
    if (!best || rank < best.rank || (rank === best.rank && name < best.name)) best = { name, rank };
  }
  return best?.name ?? null;
}

/**
 * The inventory prepared for lookups: exact and fuzzy indexes of targets, metric names and
 * runbooks, and each metric concept resolved once. Build it when the inventory changes,
 * not per parse.
 */
export class InventoryIndex {
  readonly inventory: ChatInventory;
  readonly #targets: FuzzyIndex<InventoryTarget>;
  readonly #metrics: FuzzyIndex<string>;
  readonly #runbooks: FuzzyIndex<InventoryRunbook>;
  readonly #concepts = new Map<string, string | null>();
  readonly #targetKeys: Set<string>;

  constructor(inventory: ChatInventory) {
    this.inventory = inventory;
    this.#targets = new FuzzyIndex(inventory.targets.map((t) => [t.name, t] as const));
    this.#metrics = new FuzzyIndex(inventory.metrics.map((m) => [m, m] as const));
    this.#runbooks = new FuzzyIndex(inventory.runbooks.flatMap((r) => [[r.id, r] as const, [r.title, r] as const]));
    this.#targetKeys = new Set(inventory.targets.map((t) => compactKey(t.name)));
  }

  /** Targets a word may name; exact key matches only unless `fuzzy`. */
  target(word: string, fuzzy: boolean): FuzzyHit<InventoryTarget>[] {
    if (!fuzzy) return this.#targetKeys.has(compactKey(word)) ? this.#targets.lookup(word) : [];
    return this.#targets.lookup(word);
  }

  /** A metric named exactly (or nearly, for names with `_`), or by concept ("cpu"). */
  metric(word: string, exactOnly = false): { name: string; score: number } | null {
    if (exactOnly) {
      const concept = CONCEPT_OF.get(word);
      const name = concept ? this.conceptMetric(concept) : this.#metrics.has(word) ? this.#metrics.lookup(word)[0]!.item : null;
      return name ? { name, score: 1 } : null;
    }
    const concept = conceptOf(word);
    if (concept) {
      const name = this.conceptMetric(concept.concept);
      if (name) return { name, score: concept.score };
    }
    if (!/[_:]/.test(word) && !this.#metrics.has(word)) return null;
    const hits = this.#metrics.lookup(word);
    if (hits.length !== 1) return null;
    return { name: hits[0]!.item, score: hits[0]!.score };
  }

  conceptMetric(concept: string): string | null {
    if (!this.#concepts.has(concept)) this.#concepts.set(concept, pickMetric(this.inventory.metrics, concept));
    return this.#concepts.get(concept) ?? null;
  }

  runbook(words: string): FuzzyHit<InventoryRunbook>[] {
    return this.#runbooks.lookup(words);
  }

  /** Runbooks whose keywords, id or title carry the action ("restart"). */
  runbooksFor(action: string): InventoryRunbook[] {
    return this.inventory.runbooks.filter((r) => r.keywords.includes(action) || r.id.toLowerCase().includes(action) || r.title.toLowerCase().includes(action));
  }

  /** The closest target names to a word, for "did you mean". */
  suggestTargets(word: string): string[] {
    return this.#targets.lookup(word).map((hit) => hit.item.name).slice(0, 3);
  }
}
