import type { Alert } from '../../../shared/api/alerts.ts';
import type { AlertPusher } from '../../../shared/api/stream.ts';
import { CANCELLABLE_RUN_STATES, type Plan, type Run, type RunbookDetail, type RunbookList, type RunbookSummary, type RunListQuery, type Suggestion } from '../../../shared/api/runbooks.ts';
import { roleAtLeast, type Role } from '../../../shared/auth/permissions.ts';
import { AppError } from '../../../shared/errors.ts';
import { SYSTEM, type Actor } from '../core/actor.ts';
import type { RunbookAlerting } from './feature.ts';
import type { ServerContext } from '../context.ts';
import type { RunbookCatalog } from './catalog.ts';
import type { Orphan } from './executors/process-ledger.ts';
import { ParamError, validateParams, type ParamValue } from './params.ts';
import { LeaseWatch } from './lease-watch.ts';
import type { LoadedRunbook } from './parse.ts';
import { PlanError, resolvePlan } from './plan.ts';
import { redactDefinition, redactParamSpecs, redactPlan, redactSource } from './redact.ts';
import { shownGivenParams } from './secret-params.ts';
import type { Runner } from './runner.ts';
import { safetyState } from './safety.ts';
import type { RunbookSettings } from './settings.ts';
import { publicRun, type RunStore, type StoredRun } from './store.ts';

/** How long a server's claim on a run holds without renewal: a run whose server died is taken over (queued) or recorded interrupted (running) after this. */
export const RUN_LEASE_MS = 60_000;
/** How often each replica watches the other replicas' run leases (recover): well within LeaseWatch's gap of half a lease. */
export const RECOVERY_POLL_MS = RUN_LEASE_MS / 6;
import { matchingTriggers } from './triggers.ts';
import { pusherAsRequester, pusherCannotRun } from './pusher.ts';

/** The advisory lock every start decision takes (PostgreSQL): the limits it checks span runbooks (the global budget). */
const START_LOCK = '*starts';

/**
 * The approvals a run needs once its plan changed (the plan covers the safety settings):
 * what the file now asks for, and never fewer than at the request (an auto trigger held
 * for a pusher who could not run it needs one whatever the file says).
 */
function approvalsAfterChange(run: StoredRun, plan: Plan): number {
  return Math.max(run.approvalsRequired, plan.safety.approvers);
}

/** A trigger found a proposal or run already open for its runbook and target: it adds none. */
class AlreadyOpen extends Error {
  readonly runId: number;
  constructor(runId: number) {
    super(`run ${runId} is already open for this runbook and target`);
    this.runId = runId;
  }
}

/** Who asks: the actor for audit and timeline, the user for the self-approval rule, the role for `safety.role`. */
export interface Requester {
  actor: Actor;
  userId: number | null;
  role: Role;
}

export interface RunInput {
  params?: Record<string, ParamValue>;
  planHash?: string;
  incidentId?: number;
  dryRun?: boolean;
}

/**
 * How a decision is recorded (the run's approvals, the timeline). An API key is named by its
 * owner's choice, so a key called "admin" must not read as the person admin: it is shown as
 * a key, with its owner.
 */
function deciderName(by: Requester): string {
  return by.actor.kind === 'apiKey' ? `API key "${by.actor.name}"${by.userId !== null ? ` of user #${by.userId}` : ''}` : by.actor.name;
}

interface Origin {
  trigger: Run['trigger'];
  alertId: number | null;
  labels: Record<string, string>;
  /** Approvals needed at least, above the runbook's own: an auto trigger held for a pusher who could not have run it. */
  approvers?: number;
}

export interface RunbookServiceDeps {
  ctx: ServerContext;
  catalog: RunbookCatalog;
  store: RunStore;
  settings: RunbookSettings;
  alerts: RunbookAlerting;
  runner: Runner;
  /** The key of the plan hash (plan-hash.ts), known once the secrets' key is read. */
  planKey: Promise<Buffer>;
}

export function summaryOf(runbook: LoadedRunbook): RunbookSummary {
  const { definition } = runbook;
  return {
    id: definition.id,
    title: definition.title,
    description: definition.description ?? '',
    file: runbook.file,
    params: redactParamSpecs(runbook.params),
    safety: runbook.safety,
    stepCount: definition.steps.length,
    hasVerify: definition.verify !== undefined,
    hasRollback: (definition.rollback ?? []).length > 0,
    triggerCount: (definition.triggers ?? []).length,
  };
}

/**
 * Runbook runs from request to end: plans, the limits, approvals bound to the plan hash,
 * the hand-over to the runner, and the record of each of these on the audit log, the
 * incident's timeline and the live stream.
 */
export class RunbookService {
  readonly #deps: RunbookServiceDeps;
  /** The other replicas' run leases as this one watched them (recover, PostgreSQL). */
  readonly #leaseWatch = new LeaseWatch(RUN_LEASE_MS);

  constructor(deps: RunbookServiceDeps) {
    this.#deps = deps;
  }

  list(): RunbookList {
    return { runbooks: this.#deps.catalog.all().map(summaryOf), invalid: this.#deps.catalog.invalid() };
  }

  detail(id: string): RunbookDetail {
    const runbook = this.#require(id);
    // Credentials in the file (auth headers, secret env) are for executing only.
    return { runbook: summaryOf(runbook), definition: redactDefinition(runbook.definition), source: redactSource(runbook.source, runbook.definition) };
  }

  async plan(id: string, params: Record<string, ParamValue> = {}, incidentId: number | null = null, labels: Record<string, string> = {}): Promise<Plan> {
    const runbook = this.#require(id);
    if (incidentId !== null) await this.#requireIncident(incidentId);
    return redactPlan(await this.#plan(runbook, params, incidentId, labels));
  }

  /** `store`: the transaction the decision is taken in, when there is one. */
  async #plan(runbook: LoadedRunbook, params: Record<string, ParamValue>, incidentId: number | null, labels: Record<string, string>, excludeRunId = 0, store: RunStore = this.#deps.store): Promise<Plan> {
    const hashKey = await this.#deps.planKey;
    let resolved;
    try {
      resolved = resolvePlan(runbook, validateParams(runbook.params, params), incidentId, labels, this.#deps.settings, hashKey);
    } catch (error) {
      if (error instanceof ParamError) throw new AppError('E_VALIDATION', error.message, { problems: error.problems });
      if (error instanceof PlanError) throw new AppError('E_VALIDATION', error.message);
      throw error;
    }
    const state = await safetyState(store, runbook.definition.id, resolved.targets[0]!, runbook.safety, this.#deps.settings, this.#deps.ctx.now(), excludeRunId);
    return { ...resolved, state };
  }

  /**
   * `POST /runbooks/:id/runs`, and the alert triggers, with the system as requester or the
   * person or key who pushed the alert (who is then refused nothing for their role here: the
   * proposal waits for someone who has it, see onAlertFiring).
   */
  async request(id: string, input: RunInput, requester: Requester, origin: Origin = { trigger: 'manual', alertId: null, labels: {} }): Promise<Run> {
    const { store, ctx } = this.#deps;
    const runbook = this.#require(id);
    const byHand = origin.trigger === 'manual' && requester.actor.kind !== 'system';
    if (byHand && !roleAtLeast(requester.role, runbook.safety.role)) {
      this.#audit(requester.actor, 'runbook.run.denied', `runbook:${id}`, 'denied', { reason: 'role', needs: runbook.safety.role });
      throw new AppError('E_FORBIDDEN', `Running ${id} needs the ${runbook.safety.role} role.`, { needs: runbook.safety.role });
    }
    const incidentId = input.incidentId ?? null;
    if (incidentId !== null) await this.#requireIncident(incidentId);
    // A refusal of a person's request is recorded like the others (someone probing a runbook
    // for injections must show); an alert trigger's is recorded as runbook.trigger.refused.
    const denied = (reason: string, error: AppError) => {
      if (byHand) this.#audit(requester.actor, 'runbook.run.denied', `runbook:${id}`, 'denied', { reason, message: error.message, ...shownGivenParams(input.params ?? {}, runbook.params) });
      return error;
    };
    let plan: Plan;
    try {
      plan = await this.#plan(runbook, input.params ?? {}, incidentId, origin.labels);
    } catch (error) {
      throw error instanceof AppError && error.code === 'E_VALIDATION' ? denied('invalid', error) : error;
    }
    if (input.planHash !== undefined && input.planHash !== plan.hash) {
      throw denied('plan_changed', new AppError('E_CONFLICT', 'The plan changed since you previewed it; review the new plan.', { planHash: plan.hash }));
    }
    const dryRun = input.dryRun ?? false;
    const blockedBy = dryRun ? null : plan.state.blockedBy;
    const approvers = dryRun ? 0 : Math.max(runbook.safety.approvers, origin.approvers ?? 0);
    const needsApproval = approvers > 0;
    const state = blockedBy ? 'blocked' : needsApproval ? 'pending_approval' : 'queued';
    const what = dryRun ? 'dry run' : 'run';
    // The run and its audit entry commit together (a crash cannot keep a run nobody asked for in the log).
    // A queued run is this server's from the start (claimed), so no other replica's queue pass takes it first.
    const run = await store.transaction(async (tx) => {
      // One open proposal or run per runbook and target for triggers, checked where the run is
      // inserted (serialised per runbook): the alerts of one batch are handled at once, and a
      // check before this transaction let each of them propose (16 alerts, 16 proposals).
      if (origin.trigger === 'alert') {
        const open = await tx.openFor(id, plan.targets[0]!);
        if (open) throw new AlreadyOpen(open.id);
      }
      const inserted = await tx.insert(
        {
          runbookId: id,
          title: runbook.definition.title,
          target: plan.targets[0]!,
          state,
          reason: blockedBy,
          params: plan.params,
          labels: origin.labels,
          plan,
          incidentId,
          alertId: origin.alertId,
          dryRun,
          trigger: origin.trigger,
          approvalsRequired: approvers,
          requestedBy: requester.actor.name,
          requestedByKind: requester.actor.kind,
          requestedByUserId: requester.userId,
        },
        ctx.now(),
        state === 'queued' ? ctx.now() + RUN_LEASE_MS : null,
      );
      if (blockedBy) this.#audit(requester.actor, 'runbook.run.blocked', `runbook-run:${inserted.id}`, 'denied', { runbook: id, reason: blockedBy, target: inserted.target });
      else this.#audit(requester.actor, 'runbook.run.request', `runbook-run:${inserted.id}`, 'success', { runbook: id, params: inserted.params, target: inserted.target, dryRun, planHash: plan.hash, trigger: origin.trigger, ...(origin.alertId !== null ? { alert: origin.alertId } : {}) });
      return inserted;
    }, id);
    if (blockedBy) {
      await this.#timeline(run, requester.actor, `Runbook "${run.title}" ${what} #${run.id} blocked: ${blockedBy}`, { state: 'blocked', reason: blockedBy });
    } else {
      if (!dryRun) {
        await this.#timeline(run, requester.actor, needsApproval
          ? `Runbook "${run.title}" ${origin.trigger === 'alert' ? 'proposed' : 'requested'} (run #${run.id}), waiting for ${approvers} approval(s)`
          : `Runbook "${run.title}" requested (run #${run.id})`, { state: run.state, params: run.params });
      }
    }
    this.#published(run);
    if (run.state === 'queued') {
      const started = await this.#start(run.id);
      // A dry run only checks; the caller gets its full result at once.
      if (dryRun && started) await started.done;
    }
    return publicRun((await store.byId(run.id))!);
  }

  /**
   * A proposal past SMARTCLOUDOPS_RUNBOOK_APPROVAL_TTL is expired, whether or not the sweep
   * (a timer, up to a minute apart) has recorded it yet: a decision first has every lapsed
   * proposal expired (audited, on the timeline), and its own transaction checks the window
   * again, so an approval a moment too late is a 409 rather than a run.
   */
  #withinWindow(run: StoredRun): boolean {
    return run.createdAt >= this.#deps.ctx.now() - this.#deps.settings.approvalTtlMs;
  }

  async approve(runId: number, approver: Requester, comment: string | null): Promise<Run> {
    const { store, ctx } = this.#deps;
    await this.expire();
    const run = await this.#requireRun(runId);
    if (run.state !== 'pending_approval') throw new AppError('E_CONFLICT', `Run ${runId} is ${run.state}, not waiting for approval.`, { state: run.state });
    if (approver.userId !== null && approver.userId === run.requestedByUserId) {
      this.#audit(approver.actor, 'runbook.run.approve', `runbook-run:${runId}`, 'denied', { reason: 'self_approval' });
      await this.#timeline(run, approver.actor, `Approval of runbook run #${runId} by its requester refused`, { reason: 'self_approval' });
      throw new AppError('E_FORBIDDEN', 'You cannot approve a run you requested; another person must.');
    }
    const runbook = this.#deps.catalog.get(run.runbookId);
    if (!runbook) throw new AppError('E_CONFLICT', `Runbook ${run.runbookId} is no longer loaded; the run cannot be approved.`);
    if (!roleAtLeast(approver.role, runbook.safety.role)) {
      this.#audit(approver.actor, 'runbook.run.approve', `runbook-run:${runId}`, 'denied', { reason: 'role', needs: runbook.safety.role });
      throw new AppError('E_FORBIDDEN', `Approving ${run.runbookId} needs the ${runbook.safety.role} role.`);
    }
    const plan = await this.#plan(runbook, run.plan.params as Record<string, ParamValue>, run.incidentId, run.labels, runId);
    // The run as read above may be decided by now (another approval, a rejection, expiry):
    // each transaction below reads it again and writes nothing unless it is still the run
    // that was checked, waiting for approval of the same plan. Serialised per runbook (the
    // lock reject takes on PostgreSQL), so two replicas' decisions take turns.
    const stillWaiting = async (tx: RunStore) => {
      const current = await tx.byId(runId);
      return current?.state === 'pending_approval' && current.planHash === run.planHash && this.#withinWindow(current);
    };
    const decidedMeanwhile = async () => {
      await this.expire();
      const current = await store.byId(runId);
      return new AppError('E_CONFLICT', `Run ${runId} is ${current?.state ?? 'gone'}, not waiting for approval of the plan you saw.`, { state: current?.state ?? null });
    };
    if (plan.hash !== run.planHash) {
      const voided = await store.transaction(async (tx) => {
        if (!(await stillWaiting(tx))) return false;
        await tx.setState(runId, 'pending_approval', ctx.now(), { plan, reason: 'plan_changed', approvalsRequired: approvalsAfterChange(run, plan) });
        await tx.voidApprovals(runId, plan.hash);
        this.#audit(approver.actor, 'runbook.run.approve', `runbook-run:${runId}`, 'denied', { reason: 'plan_changed', from: run.planHash, to: plan.hash });
        return true;
      }, run.runbookId);
      if (!voided) throw await decidedMeanwhile();
      await this.#timeline(run, approver.actor, `Runbook run #${runId}: the plan changed, earlier approvals are void`, { reason: 'plan_changed' });
      this.#published((await store.byId(runId))!);
      throw new AppError('E_CONFLICT', 'The plan changed since it was proposed; earlier approvals are void. Review the new plan and approve again.', { planHash: plan.hash });
    }
    // Approved enough: queued and claimed by this server, which starts it.
    const decision = await store.transaction(async (tx) => {
      if (!(await stillWaiting(tx))) return { taken: false, replay: false, approved: false };
      // A replayed approval (a double click, a resent request) would count once anyway; it is refused rather than recorded twice.
      if ((await tx.approvers(runId, plan.hash)).includes(approver.userId ?? 0)) return { taken: false, approved: false, replay: true };
      await tx.addDecision(runId, approver.userId ?? 0, deciderName(approver), 'approve', comment, plan.hash, ctx.now());
      const enough = (await tx.approvers(runId, plan.hash)).length >= run.approvalsRequired;
      this.#audit(approver.actor, 'runbook.run.approve', `runbook-run:${runId}`, 'success', { comment, planHash: plan.hash });
      return { taken: true, replay: false, approved: enough && (await tx.transition(runId, ['pending_approval'], 'queued', ctx.now(), { reason: null, leaseUntil: ctx.now() + RUN_LEASE_MS })) };
    }, run.runbookId);
    if (decision.replay) throw new AppError('E_CONFLICT', `You have already approved run ${runId}; it waits for another person.`, { state: 'pending_approval' });
    if (!decision.taken) throw await decidedMeanwhile();
    const { approved } = decision;
    await this.#timeline(run, approver.actor, `Runbook run #${runId} approved by ${deciderName(approver)}${comment ? `: ${comment}` : ''}`, { planHash: plan.hash });
    this.#published((await store.byId(runId))!);
    if (approved) await this.#start(runId);
    return publicRun((await store.byId(runId))!);
  }

  async reject(runId: number, by: Requester, comment: string | null): Promise<Run> {
    const { store, ctx } = this.#deps;
    await this.expire();
    const run = await this.#requireRun(runId);
    // Rejecting is a decision like approving: the runbook's own role holds for both. A run
    // whose runbook is no longer loaded can be rejected with runbooks:run alone (it cannot run).
    const runbook = this.#deps.catalog.get(run.runbookId);
    if (runbook && !roleAtLeast(by.role, runbook.safety.role)) {
      this.#audit(by.actor, 'runbook.run.reject', `runbook-run:${runId}`, 'denied', { reason: 'role', needs: runbook.safety.role });
      throw new AppError('E_FORBIDDEN', `Rejecting ${run.runbookId} needs the ${runbook.safety.role} role.`, { needs: runbook.safety.role });
    }
    const done = await store.transaction(async (tx) => {
      const current = await tx.byId(runId);
      if (!current || !this.#withinWindow(current)) return false;
      if (!(await tx.transition(runId, ['pending_approval'], 'rejected', ctx.now(), { reason: 'rejected', finishedAt: ctx.now() }))) return false;
      await tx.addDecision(runId, by.userId ?? 0, deciderName(by), 'reject', comment, run.planHash, ctx.now());
      this.#audit(by.actor, 'runbook.run.reject', `runbook-run:${runId}`, 'success', { comment });
      return true;
    }, run.runbookId);
    if (!done) {
      await this.expire();
      const current = await store.byId(runId);
      throw new AppError('E_CONFLICT', `Run ${runId} is ${current?.state ?? 'gone'}, not waiting for approval.`, { state: current?.state ?? null });
    }
    await this.#timeline(run, by.actor, `Runbook run #${runId} rejected by ${deciderName(by)}${comment ? `: ${comment}` : ''}`, { state: 'rejected' });
    const rejected = (await store.byId(runId))!;
    this.#published(rejected);
    return publicRun(rejected);
  }

  /**
   * `POST /runbook-runs/:id/cancel`: someone who may run the runbook (its `safety.role`) stops
   * a run. Waiting for approval or queued, it ends `cancelled` at once (a conditional move: of
   * a start and a cancel at once, one wins). Running, the request is stored on the run's row
   * (any replica may take it) and the server carrying the run out stops it (Runner.cancel:
   * here at once, on another replica within a second); the answer then shows the run as it
   * is by then. A run already final is a 409.
   */
  async cancel(runId: number, by: Requester, reason: string | null): Promise<Run> {
    const { store, ctx, runner } = this.#deps;
    const run = await this.#cancellable(runId, by);
    const over = (state: string) => new AppError('E_CONFLICT', `Run ${runId} is already ${state.replace('_', ' ')}; there is nothing to cancel.`, { state });
    const name = deciderName(by);
    const said = `cancelled by ${name}${reason ? `: ${reason}` : ''}`;
    const ended = await store.transaction(async (tx) => {
      const current = await tx.byId(runId);
      if (!current || (current.state !== 'pending_approval' && current.state !== 'queued')) return null;
      if (!(await tx.transition(runId, [current.state], 'cancelled', ctx.now(), { reason: said, finishedAt: ctx.now() }))) return null;
      this.#audit(by.actor, 'runbook.run.cancel', `runbook-run:${runId}`, 'success', { from: current.state, reason });
      return current.state;
    });
    if (ended) {
      await this.#timeline(run, by.actor, `Runbook run #${runId} ${said}`, { state: 'cancelled', from: ended });
      const cancelled = (await store.byId(runId))!;
      this.#published(cancelled);
      return publicRun(cancelled);
    }
    // Running (or it started meanwhile): stored with its audit entry, then stopped by its server.
    const requested = await store.transaction(async (tx) => {
      if (!(await tx.requestCancel(runId, name, reason, ctx.now()))) return false;
      this.#audit(by.actor, 'runbook.run.cancel', `runbook-run:${runId}`, 'success', { from: 'running', reason });
      return true;
    });
    if (!requested) {
      const current = (await store.byId(runId))!;
      if (current.state === 'running') throw new AppError('E_CONFLICT', `Run ${runId} is already being cancelled (asked by ${current.cancelRequestedBy ?? 'someone'}).`, { state: current.state });
      throw over(current.state);
    }
    await this.#timeline(run, by.actor, `Cancel of runbook run #${runId} asked by ${name}${reason ? `: ${reason}` : ''}; its current step is being stopped`, { state: 'running', cancelRequested: true });
    this.#published((await store.byId(runId))!);
    await runner.cancel(runId);
    return publicRun((await store.byId(runId))!);
  }

  /**
   * Whether `by` may cancel the run now, as `cancel` will find it: the run as it is, or the
   * refusal `cancel` would answer (no such run 404, final 409, the runbook's role 403, audited
   * `denied`). Chat asks it before its confirmation card (runbook.cancel), so the card never
   * offers what the route would refuse; the cancel itself checks again.
   */
  async cancelCheck(runId: number, by: Requester): Promise<Run> {
    return publicRun(await this.#cancellable(runId, by));
  }

  async #cancellable(runId: number, by: Requester): Promise<StoredRun> {
    // A proposal past its window reads expired, and is then final.
    await this.expire();
    const run = await this.#requireRun(runId);
    if (!CANCELLABLE_RUN_STATES.includes(run.state)) throw new AppError('E_CONFLICT', `Run ${runId} is already ${run.state.replace('_', ' ')}; there is nothing to cancel.`, { state: run.state });
    if (run.state === 'running' && run.cancelRequestedBy !== null) throw new AppError('E_CONFLICT', `Run ${runId} is already being cancelled (asked by ${run.cancelRequestedBy}).`, { state: run.state });
    // Stopping a run takes the runbook's own role, as running and approving it do. A run whose
    // runbook is no longer loaded can be cancelled with runbooks:run alone (as rejected).
    const runbook = this.#deps.catalog.get(run.runbookId);
    if (runbook && !roleAtLeast(by.role, runbook.safety.role)) {
      this.#audit(by.actor, 'runbook.run.cancel', `runbook-run:${runId}`, 'denied', { reason: 'role', needs: runbook.safety.role });
      throw new AppError('E_FORBIDDEN', `Cancelling ${run.runbookId} needs the ${runbook.safety.role} role.`, { needs: runbook.safety.role });
    }
    return run;
  }

  async runs(query: RunListQuery): Promise<Run[]> {
    return (await this.#deps.store.list({ runbook: query.runbook, states: query.state?.split(','), incidentId: query.incidentId, limit: query.limit })).map(publicRun);
  }

  async run(id: number): Promise<Run> {
    return publicRun(await this.#requireRun(id));
  }

  /** Runbooks whose triggers match an alert of the incident, parameters filled from its labels. */
  async suggestions(incidentId: number): Promise<Suggestion[]> {
    await this.#requireIncident(incidentId);
    const out: Suggestion[] = [];
    const seen = new Set<string>();
    for (const alert of await this.#deps.alerts.alerts.ofIncident(incidentId)) {
      for (const { runbook, params } of matchingTriggers(this.#deps.catalog.all(), alert.labels)) {
        const key = `${runbook.definition.id} ${JSON.stringify(params)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ runbook: summaryOf(runbook), alertId: alert.id, alertName: alert.labels.alertname ?? `alert ${alert.id}`, params });
      }
    }
    return out;
  }

  /**
   * An alert started firing: each runbook with a matching trigger is proposed (approve),
   * or run (auto), within the same limits as a run by hand; manual runbooks are only
   * suggested. One open proposal per runbook and target: an alert storm adds nothing.
   * `pushedBy`: the person or key who pushed the alert (`POST /alerts`, the Alertmanager receiver). The run is then
   * theirs (they cannot approve it), and a run that needs no approval waits for one all the
   * same when they could not have run it by hand: pushing an alert must not be a way around
   * four eyes or `safety.role`. Alerts of the server's own sources are the system's.
   */
  async onAlertFiring(alert: Alert, pushedBy?: AlertPusher): Promise<void> {
    const { store, ctx } = this.#deps;
    for (const { runbook, params } of matchingTriggers(this.#deps.catalog.all(), alert.labels)) {
      if (runbook.safety.mode === 'manual') continue;
      const id = runbook.definition.id;
      const requester: Requester = pushedBy ? pusherAsRequester(pushedBy) : { actor: { ...SYSTEM, name: `trigger:${alert.labels.alertname ?? alert.id}` }, userId: null, role: 'admin' };
      try {
        const plan = await this.#plan(runbook, params, alert.incidentId, alert.labels);
        const open = await store.openFor(id, plan.targets[0]!);
        if (open) {
          ctx.log.info({ runbook: id, alert: alert.id, run: open.id }, 'runbook already proposed or running for this target');
          continue;
        }
        const held = pushedBy && runbook.safety.approvers === 0 ? pusherCannotRun(pushedBy, runbook) : null;
        const run = await this.request(id, { params, ...(alert.incidentId !== null ? { incidentId: alert.incidentId } : {}) }, requester, { trigger: 'alert', alertId: alert.id, labels: alert.labels, ...(held ? { approvers: 1 } : {}) });
        if (held && run.state === 'pending_approval') this.#audit(requester.actor, 'runbook.trigger.approval_required', `runbook-run:${run.id}`, 'denied', { runbook: id, alert: alert.id, ...held });
      } catch (error) {
        if (error instanceof AlreadyOpen) {
          ctx.log.info({ runbook: id, alert: alert.id, run: error.runId }, 'runbook already proposed or running for this target');
          continue;
        }
        if (!(error instanceof AppError)) throw error;
        // A pushed alert's refusal is the pusher's (someone probing a runbook through alert labels must show).
        this.#audit(pushedBy ? requester.actor : SYSTEM, 'runbook.trigger.refused', `runbook:${id}`, 'failure', { alert: alert.id, message: error.message });
        ctx.log.warn({ runbook: id, alert: alert.id, err: error }, 'runbook trigger could not propose a run');
      }
    }
  }

  /**
   * What a server that stopped left in flight is interrupted, never re-run. SQLite (one
   * server): at start-up, everything in flight. PostgreSQL (replicas): at start-up and then
   * every few seconds, the running runs whose replica is dead: its lease lapsed and this
   * replica watched it go unrenewed for a whole lease (LeaseWatch; a lapsed lease alone is
   * every live replica's after a database outage they all shared), or a step process of it
   * was found left behind by a dead server on this data folder. The runs of live replicas
   * are theirs. `orphans`: the step processes found at start-up (process-ledger.ts), said on
   * the run's record and timeline. `deadReplicas`: replica ids of servers on this data dir
   * proven dead at start-up (executors/server-notes.ts): their running runs are taken at
   * once, without watching their leases lapse.
   */
  async recover(orphans: readonly Orphan[] = [], deadReplicas: ReadonlySet<string> = new Set()): Promise<void> {
    const { store, ctx, runner } = this.#deps;
    const stoppedIn = (id: number) => orphans.filter((o) => o.stopped && o.record.runId === id).map((o) => ({ step: o.record.step, pid: o.record.pid }));
    // The runs interrupted and their audit entries in one transaction.
    let ids: number[];
    try {
      ids = await store.transaction(async (tx) => {
        let interrupted: number[];
        let owners = new Map<number, string | null>();
        if (tx.dialect === 'sqlite') interrupted = await tx.interruptInFlight(ctx.now());
        else {
          // This server's own runs are alive whatever their lease says: renewed (their beat moves for the other replicas' watch) and never candidates.
          await tx.renewLeases(runner.inFlightIds, ctx.now() + RUN_LEASE_MS);
          const leases = await tx.runningLeases(runner.inFlightIds);
          const abandoned = new Set(orphans.map((o) => o.record.runId));
          const dead = [...this.#leaseWatch.look(leases, ctx.now()), ...leases.filter((lease) => abandoned.has(lease.id) || (lease.owner !== null && deadReplicas.has(lease.owner)))];
          owners = new Map(dead.map((lease) => [lease.id, lease.owner]));
          interrupted = await tx.interruptLapsed(ctx.now(), [...new Map(dead.map((lease) => [lease.id, lease])).values()]);
        }
        for (const id of interrupted) {
          const stopped = stoppedIn(id);
          const owner = owners.get(id);
          this.#audit(SYSTEM, 'runbook.run.interrupted', `runbook-run:${id}`, 'failure', { reason: 'server_restart', ...(owner ? { replica: owner } : {}), ...(stopped.length > 0 ? { stoppedProcesses: stopped } : {}) });
        }
        return interrupted;
      });
    } catch (error) {
      // What was watched before a failed pass (the database away) no longer counts.
      this.#leaseWatch.lost();
      throw error;
    }
    for (const id of ids) {
      const run = (await store.byId(id))!;
      const said = stoppedIn(id).map((s) => `; step "${s.step}" was still running (pid ${s.pid}) and was stopped`).join('');
      await this.#timeline(run, SYSTEM, `Runbook run #${id} interrupted: the server stopped while it ran${said}; it will not be re-run by itself`, { state: 'interrupted' });
      this.#published(run);
    }
  }

  /** Pending approvals past their time expire. */
  async expire(): Promise<void> {
    const { store, ctx, settings } = this.#deps;
    const ids = await store.transaction(async (tx) => {
      const expired = await tx.expirePending(ctx.now() - settings.approvalTtlMs, ctx.now());
      for (const id of expired) this.#audit(SYSTEM, 'runbook.run.expired', `runbook-run:${id}`, 'failure', {});
      return expired;
    });
    for (const id of ids) {
      const run = (await store.byId(id))!;
      await this.#timeline(run, SYSTEM, `Runbook run #${id} expired without approval`, { state: 'expired' });
      this.#published(run);
    }
  }

  /** The audit entry of a final state, recorded in the runner's transaction that sets it. */
  recordEnd(run: StoredRun): void {
    if (run.dryRun) return;
    this.#audit(SYSTEM, `runbook.run.${run.state}`, `runbook-run:${run.id}`, run.state === 'succeeded' ? 'success' : 'failure', { runbook: run.runbookId, reason: run.reason });
  }

  /** The runner's report of a final state (committed with its audit entry, recordEnd). */
  async finished(run: StoredRun): Promise<void> {
    if (!run.dryRun) {
      const verified = run.plan.verify && run.state === 'succeeded' ? ', verify held' : '';
      // A cancelled run's reason says it already ("cancelled by <who>: <why>").
      const ended = run.state === 'cancelled' && run.reason ? run.reason : `${run.state.replace('_', ' ')}${verified}${run.reason ? `: ${run.reason}` : ''}`;
      await this.#timeline(run, SYSTEM, `Runbook "${run.title}" run #${run.id} ${ended}`, { state: run.state, reason: run.reason });
    }
    this.#published(run);
  }

  /**
   * The queue across servers: queued runs nobody holds (their server died before starting
   * them, or its claim lapsed) are claimed by this server (FOR UPDATE SKIP LOCKED on
   * PostgreSQL, so each is taken by one replica) and started. Answers how many it started.
   */
  async drainQueue(limit = 10): Promise<number> {
    const { store, ctx } = this.#deps;
    let started = 0;
    for (const id of await store.claimQueued(limit, ctx.now(), ctx.now() + RUN_LEASE_MS)) if (await this.#start(id)) started += 1;
    return started;
  }

  /**
   * queued → running, for a run this server has claimed, after checking the limits again
   * (time has passed since the request or the approval) and that the plan is still the
   * approved one. The decision is taken in one transaction, serialised across replicas on
   * one lock for all runbooks: the global hourly budget counts the starts of every runbook,
   * so two servers starting runs of two runbooks at once must see each other's (with a lock
   * per runbook, a burst of 12 runs of 6 runbooks on two replicas started 4 on a budget of 2).
   */
  async #start(runId: number): Promise<{ done: Promise<void> } | null> {
    const { store, ctx, catalog, runner } = this.#deps;
    const queued = await store.byId(runId);
    if (!queued || queued.state !== 'queued') return null;
    const decide = async (tx: RunStore): Promise<{ state: 'running' | 'blocked' | 'pending'; reason: string | null }> => {
      const run = await tx.byId(runId);
      if (!run || run.state !== 'queued') return { state: 'blocked', reason: null };
      const runbook = catalog.get(run.runbookId);
      if (!runbook) {
        await tx.transition(runId, ['queued'], 'blocked', ctx.now(), { reason: 'runbook_removed', finishedAt: ctx.now() });
        return { state: 'blocked', reason: 'runbook_removed' };
      }
      let plan: Plan;
      try {
        plan = await this.#plan(runbook, run.plan.params as Record<string, ParamValue>, run.incidentId, run.labels, runId, tx);
      } catch (error) {
        await tx.transition(runId, ['queued'], 'blocked', ctx.now(), { reason: 'plan_changed', finishedAt: ctx.now() });
        ctx.log.warn({ err: error, run: runId }, 'the plan of a queued run no longer resolves');
        return { state: 'blocked', reason: 'plan_changed' };
      }
      if (plan.hash !== run.planHash) {
        if (run.approvalsRequired > 0) {
          await tx.setState(runId, 'pending_approval', ctx.now(), { plan, reason: 'plan_changed', approvalsRequired: approvalsAfterChange(run, plan) });
          await tx.voidApprovals(runId, plan.hash);
          return { state: 'pending', reason: 'plan_changed' };
        }
        await tx.transition(runId, ['queued'], 'blocked', ctx.now(), { reason: 'plan_changed', finishedAt: ctx.now() });
        return { state: 'blocked', reason: 'plan_changed' };
      }
      if (!run.dryRun && plan.state.blockedBy) {
        await tx.transition(runId, ['queued'], 'blocked', ctx.now(), { reason: plan.state.blockedBy, finishedAt: ctx.now() });
        return { state: 'blocked', reason: plan.state.blockedBy };
      }
      // Only from queued: of two servers starting it, one moves it on.
      if (!(await tx.transition(runId, ['queued'], 'running', ctx.now(), { startedAt: ctx.now(), leaseUntil: ctx.now() + RUN_LEASE_MS }))) return { state: 'blocked', reason: null };
      // The intent, stored with the state change before any step acts (runner.start below).
      if (!run.dryRun) this.#audit(SYSTEM, 'runbook.run.started', `runbook-run:${runId}`, 'success', { runbook: run.runbookId, target: run.target, planHash: run.planHash });
      return { state: 'running', reason: null };
    };
    const decision = await store.transaction(async (tx) => {
      const decided = await decide(tx);
      // Committed with the state it explains.
      if (decided.reason) this.#audit(SYSTEM, decided.state === 'pending' ? 'runbook.run.plan_changed' : 'runbook.run.blocked', `runbook-run:${runId}`, 'denied', { reason: decided.reason });
      return decided;
    }, START_LOCK);
    const run = (await store.byId(runId))!;
    if (decision.reason) {
      await this.#timeline(run, SYSTEM, decision.state === 'pending' ? `Runbook run #${runId}: the plan changed before it started; approvals are void` : `Runbook run #${runId} blocked: ${decision.reason}`, { state: run.state, reason: decision.reason });
    }
    this.#published(run);
    if (decision.state !== 'running') return null;
    if (!run.dryRun) {
      // The start is a state change of its own (queued → running): in the audit log (recorded above) as on the timeline.
      await this.#timeline(run, SYSTEM, `Runbook "${run.title}" run #${runId} started`, { state: 'running' });
    }
    // Wrapped: an async function would otherwise wait for the whole run before answering.
    return { done: runner.start(run) };
  }

  #published(run: StoredRun): void {
    this.#deps.ctx.events.publish({ type: 'runbook_run', data: publicRun(run) });
  }

  async #timeline(run: StoredRun, actor: Actor, text: string, data: Record<string, unknown>): Promise<void> {
    if (run.incidentId === null) return;
    try {
      await this.#deps.alerts.incidentService.record(run.incidentId, 'runbook_run', text, actor, { runId: run.id, runbookId: run.runbookId, ...data });
    } catch (error) {
      // The incident may be gone (merged away); the run itself is still recorded.
      this.#deps.ctx.log.warn({ err: error, run: run.id }, 'could not write the runbook run to the incident timeline');
    }
  }

  #audit(actor: Actor, action: string, target: string, outcome: 'success' | 'failure' | 'denied', details: Record<string, unknown>): void {
    this.#deps.ctx.audit.record({ actor: actor.name, actorKind: actor.kind, action, target, outcome, ip: actor.ip ?? null, details });
  }

  #require(id: string): LoadedRunbook {
    const runbook = this.#deps.catalog.get(id);
    if (!runbook) throw new AppError('E_NOT_FOUND', `No runbook ${id}.`);
    return runbook;
  }

  async #requireRun(id: number): Promise<StoredRun> {
    const run = await this.#deps.store.byId(id);
    if (!run) throw new AppError('E_NOT_FOUND', `No runbook run ${id}.`);
    return run;
  }

  async #requireIncident(id: number): Promise<void> {
    if (!(await this.#deps.alerts.incidents.byId(id))) throw new AppError('E_NOT_FOUND', `No incident ${id}.`);
  }
}
