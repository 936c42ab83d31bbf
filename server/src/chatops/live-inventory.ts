import { hasPermission, type Permission, type Role } from '../../../shared/auth/permissions.ts';
import { InventoryIndex, type InventoryTarget } from '../../../shared/chatops/inventory.ts';
import { withinWindow } from '../../../shared/within-window.ts';
import type { MetricsService } from '../metrics/service.ts';
import type { RunbookGateway } from './runbook-gateway.ts';

/** Which parts of the inventory a principal may be told of (`LiveInventory.indexFor`). */
export interface InventoryVisibility {
  metrics: boolean;
  runbooks: boolean;
}

/** What a chat principal may see of the inventory, by the permissions of the routes that list it. */
export function inventoryVisibility(user: { role: Role; scopes: readonly Permission[] | null }): InventoryVisibility {
  return {
    // The anomaly engine's routes list the targets it scores and name their metrics too.
    metrics: hasPermission(user.role, 'metrics:read', user.scopes) || hasPermission(user.role, 'anomalies:read', user.scopes),
    runbooks: hasPermission(user.role, 'runbooks:read', user.scopes) || hasPermission(user.role, 'runbooks:run', user.scopes),
  };
}

/** Labels that name a target on series and alerts, in the order the anomaly engine reads them. */
const TARGET_LABELS = ['target', 'host', 'instance'] as const;

/** Longest an index is reused even when no new series appeared (series can also age out). */
const MAX_AGE_MS = 60_000;

/**
 * The live inventory of the server, prepared for the parser: targets and metric names from
 * the metrics store, runbooks from the runbook gateway. Rebuilt when a new series appears
 * (series ids only grow, so one lookup tells) or after a minute; otherwise parsing reuses it.
 */
export class LiveInventory {
  readonly #metrics: MetricsService;
  readonly #runbooks: RunbookGateway;
  readonly #now: () => number;
  #index: InventoryIndex | null = null;
  #builtAt = 0;
  #maxSeriesId = 0;
  #narrowed = new Map<string, InventoryIndex>();
  #narrowedFrom: InventoryIndex | null = null;

  constructor(metrics: MetricsService, runbooks: RunbookGateway, now: () => number) {
    this.#metrics = metrics;
    this.#runbooks = runbooks;
    this.#now = now;
  }

  async index(): Promise<InventoryIndex> {
    const now = this.#now();
    const grown = (await this.#metrics.storage.seriesById(this.#maxSeriesId + 1)) !== undefined;
    if (this.#index && !grown && withinWindow(now, this.#builtAt, MAX_AGE_MS)) return this.#index;
    const series = await this.#metrics.findSeries();
    const targets = new Map<string, InventoryTarget>();
    const metrics = new Set<string>();
    let maxId = 0;
    for (const s of series) {
      maxId = Math.max(maxId, s.id);
      metrics.add(s.name);
      const label = TARGET_LABELS.find((l) => s.labels[l] !== undefined);
      if (label && !targets.has(s.labels[label]!)) targets.set(s.labels[label]!, { name: s.labels[label]!, label });
    }
    this.#index = new InventoryIndex({ targets: [...targets.values()], metrics: [...metrics], runbooks: this.#runbooks.find('') });
    this.#builtAt = now;
    this.#maxSeriesId = maxId;
    return this.#index;
  }

  /**
   * The index a principal's words are matched against: only what its permissions may read
   * on their own routes. Targets and metric names are the metrics store's series
   * (`metrics:read`; `anomalies:read` lists the targets scored and their metrics); runbooks need `runbooks:read` or `runbooks:run`. The parser corrects
   * words against the index, so a fuller one would tell a narrow API key the names of hosts
   * and runbooks ("cpu on secret-paymnts-db-7" answered the real host).
   */
  async indexFor(sees: InventoryVisibility): Promise<InventoryIndex> {
    const full = await this.index();
    if (sees.metrics && sees.runbooks) return full;
    const key = `${sees.metrics}:${sees.runbooks}`;
    // Narrowed copies are rebuilt with the full index they come from.
    if (this.#narrowedFrom !== full) {
      this.#narrowed.clear();
      this.#narrowedFrom = full;
    }
    let narrowed = this.#narrowed.get(key);
    if (!narrowed) {
      const { targets, metrics, runbooks } = full.inventory;
      narrowed = new InventoryIndex({ targets: sees.metrics ? targets : [], metrics: sees.metrics ? metrics : [], runbooks: sees.runbooks ? runbooks : [] });
      this.#narrowed.set(key, narrowed);
    }
    return narrowed;
  }

  /** The label a target is named by ("host", "instance"), for selectors and silences. */
  async labelOf(target: string): Promise<string> {
    return (await this.index()).inventory.targets.find((t) => t.name === target)?.label ?? 'host';
  }
}
