import type { Command, Intent } from '../../../../shared/chatops/intents.ts';
import type { ChatCard } from '../../../../shared/api/chatops.ts';
import type { AlertsService } from '../../alerts/feature.ts';
import type { IncidentsService } from '../../incidents/feature.ts';
import type { AnomalyEventStore } from '../../anomaly/event-store.ts';
import type { MetricsService } from '../../metrics/service.ts';
import type { ChatUser } from '../chat-user.ts';
import type { LiveInventory } from '../live-inventory.ts';
import type { RunbookGateway } from '../runbook-gateway.ts';
import { isoTime } from '../../../../shared/iso-time.ts';

/** The alerting services a chat command drives: alerts and silences, incidents and their timeline. */
export type ChatAlerting = AlertsService & {
  incidents: IncidentsService['incidents'];
  timeline: IncidentsService['timeline'];
  incidentService: IncidentsService['service'];
};

/** What executors work with: the same services the console's routes use. */
export interface ExecutorDeps {
  /** The anomalies the engine raised (anomaly.explain). */
  anomalyEvents: Pick<AnomalyEventStore, 'latest'>;
  metrics: MetricsService;
  alerts: ChatAlerting;
  runbooks: RunbookGateway;
  inventory: LiveInventory;
  now: () => number;
}

export type CommandOf<I extends Intent> = Extract<Command, { intent: I }>;
type Awaitable<T> = T | Promise<T>;

/** A question: answered at once. */
export interface ReadExecutor<I extends Intent> {
  kind: 'read';
  answer(command: CommandOf<I>, user: ChatUser, deps: ExecutorDeps): Awaitable<ChatCard>;
}

/**
 * A state change: `check` proves it can run now and says what it will do (the
 * confirmation card); `execute` does it after the confirmation. Both throw AppError.
 */
export interface ChangeExecutor<I extends Intent> {
  kind: 'change';
  check(command: CommandOf<I>, user: ChatUser, deps: ExecutorDeps): Awaitable<string>;
  execute(command: CommandOf<I>, user: ChatUser, deps: ExecutorDeps): Awaitable<ChatCard>;
}

export type Executor<I extends Intent> = ReadExecutor<I> | ChangeExecutor<I>;

/** A label set's alert name, for one-line descriptions. */
export function alertName(labels: Record<string, string>): string {
  return labels.alertname ?? labels.__name__ ?? 'alert';
}

export function alertTarget(labels: Record<string, string>): string {
  return labels.target ?? labels.host ?? labels.instance ?? '';
}

export function isoMinute(ts: number): string {
  return `${isoTime(ts).slice(0, 16).replace('T', ' ')} UTC`;
}
