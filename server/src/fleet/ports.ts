import type { AlertState, Labels, Severity } from '../../../shared/api/alerts.ts';
import type { FleetHealth, FleetHealthQuery } from '../../../shared/api/fleet.ts';

/** A series of the metrics store with its newest sample. */
export interface InventorySeries {
  name: string;
  labels: Labels;
  latest: { ts: number; value: number } | null;
}

/** An anomaly watch on a data source and the series it pulls. */
export interface InventoryWatch {
  name: string;
  state: 'backfilling' | 'running' | 'error';
  stepSeconds: number;
  lastError: string | null;
  series: ReadonlyArray<{ labels: Labels; lastTs: number | null }>;
}

export interface InventoryAlert {
  state: AlertState;
  severity: Severity;
  labels: Labels;
  silenced: boolean;
  acknowledgedBy: string | null;
}

/**
 * What the fleet feature reads from the others, lent by the composition root (it owns no
 * table): every series with its newest sample (metrics), the anomaly watches (data
 * sources), and the unresolved alerts plus those resolved since a time (alerts).
 */
export interface FleetSources {
  /** Async: on PostgreSQL the metrics store is the cluster's. */
  series(): Promise<readonly InventorySeries[]>;
  /** Async: the watch definitions are read from the shared query layer. */
  watches(): Promise<readonly InventoryWatch[]>;
  /** Async: alerts are read from the shared query layer. */
  alerts(resolvedSince: number): Promise<readonly InventoryAlert[]>;
}

/** What other code in the process may ask the fleet feature. */
export interface FleetService {
  health(page?: FleetHealthQuery): Promise<FleetHealth>;
}
