import { AppError } from '../../../../shared/errors.ts';
import type { CreateWatchRequest, Watch } from '../../../../shared/api/anomaly-watches.ts';
import type { ServerContext } from '../../context.ts';
import { transaction } from '../../db/sql/transaction-scope.ts';
import type { PromResponse, PromVector } from '../../../../shared/api/datasources.ts';
import { histogramOnlyError } from '../../../../shared/metrics/native-histograms.ts';
import type { QueryProxy } from '../proxy.ts';
import type { Actor, DatasourceService } from '../service.ts';
import type { WatchRunner, WatchSettings } from './runner.ts';
import type { WatchStore } from './store.ts';

/** What creating a watch is bounded by (runner.ts, WatchSettings). */
export type WatchLimits = Pick<WatchSettings, 'maxWatches' | 'maxWatchesPerUser' | 'minStepSeconds'>;

/** Watch definitions: checked against their source before they are kept, audited, run by the runner. */
export class WatchService {
  readonly #ctx: ServerContext;
  readonly #store: WatchStore;
  readonly #runner: WatchRunner;
  readonly #datasources: DatasourceService;
  readonly #proxy: QueryProxy;
  readonly #limits: WatchLimits;

  constructor(deps: { ctx: ServerContext; store: WatchStore; runner: WatchRunner; datasources: DatasourceService; proxy: QueryProxy; limits: WatchLimits }) {
    this.#ctx = deps.ctx;
    this.#store = deps.store;
    this.#runner = deps.runner;
    this.#datasources = deps.datasources;
    this.#proxy = deps.proxy;
    this.#limits = deps.limits;
    // A deleted source takes its watches with it (the table cascades; the runner must stop too).
    // (On another replica the runner's sync drops them.)
    deps.datasources.onChange((id) => {
      void this.#forgetWatchesOf(id).catch((error: unknown) => this.#ctx.log.warn({ err: error }, 'anomaly watches of a changed data source could not be read'));
    });
  }

  async #forgetWatchesOf(datasourceId: number): Promise<void> {
    if (await this.#datasources.store.byId(datasourceId)) return;
    // The cascade removed the watches' rows with the source: stop following what is no longer stored.
    for (const id of this.#runner.followed()) if (!(await this.#store.byId(id))) this.#runner.forget(id);
  }

  async list(): Promise<Watch[]> {
    return Promise.all((await this.#store.list()).map((row) => this.#runner.view(row)));
  }

  async get(id: number): Promise<Watch> {
    const row = await this.#store.byId(id);
    if (!row) throw new AppError('E_NOT_FOUND', `No anomaly watch with id ${id}.`, { id });
    return this.#runner.view(row);
  }

  /** `creatorUserId`: the person creating it (an API key's owner); its alerts propose runbook runs as them. */
  async create(input: CreateWatchRequest, by: Actor, creatorUserId: number | null = null): Promise<Watch> {
    if (!(await this.#datasources.store.byId(input.datasourceId))) throw new AppError('E_VALIDATION', `No data source with id ${input.datasourceId}.`, { datasourceId: input.datasourceId });
    if (await this.#store.byName(input.name)) throw new AppError('E_CONFLICT', `An anomaly watch named "${input.name}" already exists.`, { name: input.name });
    // Each watch queries its source every step: their step and number are bounded, like their series (runner).
    const { minStepSeconds, maxWatches, maxWatchesPerUser } = this.#limits;
    if (input.stepSeconds < minStepSeconds) {
      throw new AppError('E_VALIDATION', `An anomaly watch steps at least every ${minStepSeconds} s (stepSeconds ${input.stepSeconds} asked).`, { minStepSeconds });
    }
    if ((await this.#store.count()) >= maxWatches) {
      throw new AppError('E_CONFLICT', `This server already has ${maxWatches} anomaly watches, the most it keeps; delete one first.`, { max: maxWatches });
    }
    if (creatorUserId !== null && (await this.#store.countByCreator(creatorUserId)) >= maxWatchesPerUser) {
      throw new AppError('E_CONFLICT', `You already have ${maxWatchesPerUser} anomaly watches, the most one person keeps; delete one first.`, { maxPerUser: maxWatchesPerUser });
    }
    // One instant query first: a typo in the PromQL is refused now, with Prometheus's message, not found later in a log.
    const probe = await this.#proxy.forward(input.datasourceId, 'query', { query: input.query });
    refuseHistogramsOnly(input.query, probe.body);
    // The watch and its audit entry commit together (db/sql/transaction-scope.ts).
    const row = await transaction(this.#ctx.sql, async () => {
      const created = await this.#store.create(input, by.actor ?? 'system', this.#ctx.now(), creatorUserId);
      if (!created) throw new AppError('E_CONFLICT', `An anomaly watch named "${input.name}" already exists.`, { name: input.name });
      this.#ctx.audit.record({ ...by, action: 'anomaly.watch.create', target: created.name, outcome: 'success', details: { ...input } });
      return created;
    });
    await this.#runner.follow(row);
    return this.#runner.view(row);
  }

  async remove(id: number, by: Actor): Promise<void> {
    const row = await this.#store.byId(id);
    if (!row) throw new AppError('E_NOT_FOUND', `No anomaly watch with id ${id}.`, { id });
    this.#runner.forget(id);
    await transaction(this.#ctx.sql, async () => {
      await this.#store.remove(id);
      this.#ctx.audit.record({ ...by, action: 'anomaly.watch.delete', target: row.name, outcome: 'success' });
    });
  }

  async scores(id: number, query: { series?: string | undefined; from?: number | undefined; to?: number | undefined }) {
    await this.get(id);
    const bySeries = await this.#store.scores(id, { series: query.series, from: query.from ?? 0, to: query.to ?? Number.MAX_SAFE_INTEGER });
    return {
      series: [...bySeries].map(([key, rows]) => ({
        key,
        timestamps: rows.map((r) => r.ts),
        values: rows.map((r) => r.value),
        scores: rows.map((r) => r.score),
        anomalies: rows.filter((r) => r.anomaly).map((r) => r.ts),
      })),
    };
  }
}

/**
 * A query whose every series is a native histogram has nothing a model can score: refused
 * with what to query instead. An answer that is not JSON or not a vector is left for the
 * runner (which reports it on the watch); an empty answer may fill later.
 */
function refuseHistogramsOnly(query: string, body: Buffer): void {
  let answer: PromResponse<PromVector>;
  try {
    answer = JSON.parse(body.toString('utf8')) as PromResponse<PromVector>;
  } catch {
    return;
  }
  const result = answer.data?.resultType === 'vector' ? answer.data.result : [];
  if (result.length > 0 && result.every((series) => series.histogram !== undefined && series.value === undefined)) {
    throw new AppError('E_VALIDATION', histogramOnlyError(query, result.length, 'score'), { query });
  }
}
