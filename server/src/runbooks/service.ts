import type { Alert } from '../../../shared/api/alerts.ts';
import type { Plan, Run, RunbookDetail, RunbookList, RunbookSummary, RunListQuery, Suggestion } from '../../../shared/api/runbooks.ts';
import { roleAtLeast, type Role } from '../../../shared/auth/permissions.ts';
import { AppError } from '../../../shared/errors.ts';
import { SYSTEM, type Actor } from '../core/actor.ts';
import type { RunbookAlerting } from './feature.ts';
import type { ServerContext } from '../context.ts';
import type { RunbookCatalog } from './catalog.ts';
import { ParamError, validateParams, type ParamValue } from './params.ts';
import type { LoadedRunbook } from './parse.ts';
import { PlanError, resolvePlan } from './plan.ts';
import type { Runner } from './runner.ts';
import { safetyState } from './safety.ts';
import type { RunbookSettings } from './settings.ts';
import { publicRun, type RunStore, type StoredRun } from './store.ts';
import { matchingTriggers } from './triggers.ts';

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

interface Origin {
  trigger: Run['trigger'];
  alertId: number | null;
  labels: Record<string, string>;
}

export interface RunbookServiceDeps {
  ctx: ServerContext;
  catalog: RunbookCatalog;
  store: RunStore;
  settings: RunbookSettings;
  alerts: RunbookAlerting;
  runner: Runner;
}

export function summaryOf(runbook: LoadedRunbook): RunbookSummary {
  const { definition } = runbook;
  return {
    id: definition.id,
    title: definition.title,
    description: definition.description ?? '',
    file: runbook.file,
    params: runbook.params,
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

  constructor(deps: RunbookServiceDeps) {
    this.#deps = deps;
  }

  list(): RunbookList {
    return { runbooks: this.#deps.catalog.all().map(summaryOf), invalid: this.#deps.catalog.invalid() };
  }

  detail(id: string): RunbookDetail {
    const runbook = this.#require(id);
    return { runbook: summaryOf(runbook), definition: runbook.definition, source: runbook.source };
  }

  plan(id: string, params: Record<string, ParamValue> = {}, incidentId: number | null = null, labels: Record<string, string> = {}): Plan {
    const runbook = this.#require(id);
    if (incidentId !== null) this.#requireIncident(incidentId);
    return this.#plan(runbook, params, incidentId, labels);
  }

  #plan(runbook: LoadedRunbook, params: Record<string, ParamValue>, incidentId: number | null, labels: Record<string, string>, excludeRunId = 0): Plan {
    let resolved;
    try {
      resolved = resolvePlan(runbook, validateParams(runbook.params, params), incidentId, labels, this.#deps.settings);
    } catch (error) {
      if (error instanceof ParamError) throw new AppError('E_VALIDATION', error.message, { problems: error.problems });
      if (error instanceof PlanError) throw new AppError('E_VALIDATION', error.message);
      throw error;
    }
    const state = safetyState(this.#deps.store, runbook.definition.id, resolved.targets[0]!, runbook.safety, this.#deps.settings, this.#deps.ctx.now(), excludeRunId);
    return { ...resolved, state };
  }

  /** `POST /runbooks/:id/runs`, and the alert triggers with the system as requester. */
  async request(id: string, input: RunInput, requester: Requester, origin: Origin = { trigger: 'manual', alertId: null, labels: {} }): Promise<Run> {
    const { store, ctx } = this.#deps;
    const runbook = this.#require(id);
    if (requester.actor.kind !== 'system' && !roleAtLeast(requester.role, runbook.safety.role)) {
      this.#audit(requester.actor, 'runbook.run.denied', `runbook:${id}`, 'denied', { reason: 'role', needs: runbook.safety.role });
      throw new AppError('E_FORBIDDEN', `Running ${id} needs the ${runbook.safety.role} role.`, { needs: runbook.safety.role });
    }
    const incidentId = input.incidentId ?? null;
    if (incidentId !== null) this.#requireIncident(incidentId);
    const plan = this.#plan(runbook, input.params ?? {}, incidentId, origin.labels);
    if (input.planHash !== undefined && input.planHash !== plan.hash) {
      throw new AppError('E_CONFLICT', 'The plan changed since you previewed it; review the new plan.', { planHash: plan.hash });
    }
    const dryRun = input.dryRun ?? false;
    const blockedBy = dryRun ? null : plan.state.blockedBy;
    const needsApproval = !dryRun && runbook.safety.approvers > 0;
    const run = ctx.db.transaction(() =>
      store.insert({
        runbookId: id,
        title: runbook.definition.title,
        target: plan.targets[0]!,
        state: blockedBy ? 'blocked' : needsApproval ? 'pending_approval' : 'queued',
        reason: blockedBy,
        params: plan.params,
        labels: origin.labels,
        plan,
        incidentId,
        alertId: origin.alertId,
        dryRun,
        trigger: origin.trigger,
        approvalsRequired: dryRun ? 0 : runbook.safety.approvers,
        requestedBy: requester.actor.name,
        requestedByKind: requester.actor.kind,
        requestedByUserId: requester.userId,
      }, ctx.now()),
    )();
    const what = dryRun ? 'dry run' : 'run';
    if (blockedBy) {
      this.#audit(requester.actor, 'runbook.run.blocked', `runbook-run:${run.id}`, 'denied', { runbook: id, reason: blockedBy, target: run.target });
      this.#timeline(run, requester.actor, `Runbook "${run.title}" ${what} #${run.id} blocked: ${blockedBy}`, { state: 'blocked', reason: blockedBy });
    } else {
      this.#audit(requester.actor, 'runbook.run.request', `runbook-run:${run.id}`, 'success', { runbook: id, params: run.params, target: run.target, dryRun, planHash: plan.hash, trigger: origin.trigger });
      if (!dryRun) {
        this.#timeline(run, requester.actor, needsApproval
          ? `Runbook "${run.title}" ${origin.trigger === 'alert' ? 'proposed' : 'requested'} (run #${run.id}), waiting for ${runbook.safety.approvers} approval(s)`
          : `Runbook "${run.title}" requested (run #${run.id})`, { state: run.state, params: run.params });
      }
    }
    this.#published(run);
    if (run.state === 'queued') {
      const started = this.#start(run.id);
      // A dry run only checks; the caller gets its full result at once.
      if (dryRun && started) await started;
    }
    return publicRun(store.byId(run.id)!);
  }

  approve(runId: number, approver: Requester, comment: string | null): Run {
    const { store, ctx } = this.#deps;
    const run = this.#requireRun(runId);
    if (run.state !== 'pending_approval') throw new AppError('E_CONFLICT', `Run ${runId} is ${run.state}, not waiting for approval.`, { state: run.state });
    if (approver.userId !== null && approver.userId === run.requestedByUserId) {
      this.#audit(approver.actor, 'runbook.run.approve', `runbook-run:${runId}`, 'denied', { reason: 'self_approval' });
      this.#timeline(run, approver.actor, `Approval of runbook run #${runId} by its requester refused`, { reason: 'self_approval' });
      throw new AppError('E_FORBIDDEN', 'You cannot approve a run you requested; another person must.');
    }
    const runbook = this.#deps.catalog.get(run.runbookId);
    if (!runbook) throw new AppError('E_CONFLICT', `Runbook ${run.runbookId} is no longer loaded; the run cannot be approved.`);
    if (!roleAtLeast(approver.role, runbook.safety.role)) {
      this.#audit(approver.actor, 'runbook.run.approve', `runbook-run:${runId}`, 'denied', { reason: 'role', needs: runbook.safety.role });
      throw new AppError('E_FORBIDDEN', `Approving ${run.runbookId} needs the ${runbook.safety.role} role.`);
    }
    const plan = this.#plan(runbook, run.params as Record<string, ParamValue>, run.incidentId, run.labels, runId);
    if (plan.hash !== run.planHash) {
      ctx.db.transaction(() => {
        store.setState(runId, 'pending_approval', ctx.now(), { plan, reason: 'plan_changed' });
        store.voidApprovals(runId, plan.hash);
      })();
      this.#audit(approver.actor, 'runbook.run.approve', `runbook-run:${runId}`, 'denied', { reason: 'plan_changed', from: run.planHash, to: plan.hash });
      this.#timeline(run, approver.actor, `Runbook run #${runId}: the plan changed, earlier approvals are void`, { reason: 'plan_changed' });
      this.#published(store.byId(runId)!);
      throw new AppError('E_CONFLICT', 'The plan changed since it was proposed; earlier approvals are void. Review the new plan and approve again.', { planHash: plan.hash });
    }
    const approved = ctx.db.transaction(() => {
      store.addDecision(runId, approver.userId ?? 0, approver.actor.name, 'approve', comment, plan.hash, ctx.now());
      const enough = store.approvers(runId, plan.hash).length >= run.approvalsRequired;
      return enough && store.transition(runId, ['pending_approval'], 'queued', ctx.now(), { reason: null });
    })();
    this.#audit(approver.actor, 'runbook.run.approve', `runbook-run:${runId}`, 'success', { comment, planHash: plan.hash });
    this.#timeline(run, approver.actor, `Runbook run #${runId} approved by ${approver.actor.name}${comment ? `: ${comment}` : ''}`, { planHash: plan.hash });
    this.#published(store.byId(runId)!);
    if (approved) void this.#start(runId);
    return publicRun(store.byId(runId)!);
  }

  reject(runId: number, by: Requester, comment: string | null): Run {
    const { store, ctx } = this.#deps;
    const run = this.#requireRun(runId);
    const done = ctx.db.transaction(() => {
      if (!store.transition(runId, ['pending_approval'], 'rejected', ctx.now(), { reason: 'rejected', finishedAt: ctx.now() })) return false;
      store.addDecision(runId, by.userId ?? 0, by.actor.name, 'reject', comment, run.planHash, ctx.now());
      return true;
    })();
    if (!done) throw new AppError('E_CONFLICT', `Run ${runId} is ${run.state}, not waiting for approval.`, { state: run.state });
    this.#audit(by.actor, 'runbook.run.reject', `runbook-run:${runId}`, 'success', { comment });
    this.#timeline(run, by.actor, `Runbook run #${runId} rejected by ${by.actor.name}${comment ? `: ${comment}` : ''}`, { state: 'rejected' });
    const rejected = store.byId(runId)!;
    this.#published(rejected);
    return publicRun(rejected);
  }

  runs(query: RunListQuery): Run[] {
    return this.#deps.store.list({ runbook: query.runbook, states: query.state?.split(','), incidentId: query.incidentId, limit: query.limit }).map(publicRun);
  }

  run(id: number): Run {
    return publicRun(this.#requireRun(id));
  }

  /** Runbooks whose triggers match an alert of the incident, parameters filled from its labels. */
  suggestions(incidentId: number): Suggestion[] {
    this.#requireIncident(incidentId);
    const out: Suggestion[] = [];
    const seen = new Set<string>();
    for (const alert of this.#deps.alerts.alerts.ofIncident(incidentId)) {
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
   */
  async onAlertFiring(alert: Alert): Promise<void> {
    const { store, ctx } = this.#deps;
    for (const { runbook, params } of matchingTriggers(this.#deps.catalog.all(), alert.labels)) {
      if (runbook.safety.mode === 'manual') continue;
      const id = runbook.definition.id;
      try {
        const plan = this.#plan(runbook, params, alert.incidentId, alert.labels);
        const open = store.openFor(id, plan.targets[0]!);
        if (open) {
          ctx.log.info({ runbook: id, alert: alert.id, run: open.id }, 'runbook already proposed or running for this target');
          continue;
        }
        const actor: Actor = { ...SYSTEM, name: `trigger:${alert.labels.alertname ?? alert.id}` };
        await this.request(id, { params, ...(alert.incidentId !== null ? { incidentId: alert.incidentId } : {}) }, { actor, userId: null, role: 'admin' }, { trigger: 'alert', alertId: alert.id, labels: alert.labels });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        this.#audit(SYSTEM, 'runbook.trigger.refused', `runbook:${id}`, 'failure', { alert: alert.id, message: error.message });
        ctx.log.warn({ runbook: id, alert: alert.id, err: error }, 'runbook trigger could not propose a run');
      }
    }
  }

  /** Start-up: what the previous process left in flight is interrupted, never re-run. */
  recover(): void {
    const { store, ctx } = this.#deps;
    for (const id of store.interruptInFlight(ctx.now())) {
      const run = store.byId(id)!;
      this.#audit(SYSTEM, 'runbook.run.interrupted', `runbook-run:${id}`, 'failure', { reason: 'server_restart' });
      this.#timeline(run, SYSTEM, `Runbook run #${id} interrupted: the server stopped while it ran; it will not be re-run by itself`, { state: 'interrupted' });
      this.#published(run);
    }
  }

  /** Pending approvals past their time expire. */
  expire(): void {
    const { store, ctx, settings } = this.#deps;
    for (const id of store.expirePending(ctx.now() - settings.approvalTtlMs, ctx.now())) {
      const run = store.byId(id)!;
      this.#audit(SYSTEM, 'runbook.run.expired', `runbook-run:${id}`, 'failure', {});
      this.#timeline(run, SYSTEM, `Runbook run #${id} expired without approval`, { state: 'expired' });
      this.#published(run);
    }
  }

  /** The runner's report of a final state. */
  finished(run: StoredRun): void {
    if (!run.dryRun) {
      const outcome = run.state === 'succeeded' ? 'success' : 'failure';
      this.#audit(SYSTEM, `runbook.run.${run.state}`, `runbook-run:${run.id}`, outcome, { runbook: run.runbookId, reason: run.reason });
      const verified = run.plan.verify && run.state === 'succeeded' ? ', verify held' : '';
      this.#timeline(run, SYSTEM, `Runbook "${run.title}" run #${run.id} ${run.state.replace('_', ' ')}${verified}${run.reason ? `: ${run.reason}` : ''}`, { state: run.state, reason: run.reason });
    }
    this.#published(run);
  }

  /**
   * queued → running, after checking the limits again (time has passed since the request
   * or the approval) and that the plan is still the approved one.
   */
  #start(runId: number): Promise<void> | null {
    const { store, ctx, catalog, runner } = this.#deps;
    const decision = ctx.db.transaction((): { state: 'running' | 'blocked' | 'pending'; reason: string | null } => {
      const run = store.byId(runId);
      if (!run || run.state !== 'queued') return { state: 'blocked', reason: null };
      const runbook = catalog.get(run.runbookId);
      if (!runbook) {
        store.transition(runId, ['queued'], 'blocked', ctx.now(), { reason: 'runbook_removed', finishedAt: ctx.now() });
        return { state: 'blocked', reason: 'runbook_removed' };
      }
      let plan: Plan;
      try {
        plan = this.#plan(runbook, run.params as Record<string, ParamValue>, run.incidentId, run.labels, runId);
      } catch (error) {
        store.transition(runId, ['queued'], 'blocked', ctx.now(), { reason: 'plan_changed', finishedAt: ctx.now() });
        ctx.log.warn({ err: error, run: runId }, 'the plan of a queued run no longer resolves');
        return { state: 'blocked', reason: 'plan_changed' };
      }
      if (plan.hash !== run.planHash) {
        if (run.approvalsRequired > 0) {
          store.setState(runId, 'pending_approval', ctx.now(), { plan, reason: 'plan_changed' });
          store.voidApprovals(runId, plan.hash);
          return { state: 'pending', reason: 'plan_changed' };
        }
        store.transition(runId, ['queued'], 'blocked', ctx.now(), { reason: 'plan_changed', finishedAt: ctx.now() });
        return { state: 'blocked', reason: 'plan_changed' };
      }
      if (!run.dryRun && plan.state.blockedBy) {
        store.transition(runId, ['queued'], 'blocked', ctx.now(), { reason: plan.state.blockedBy, finishedAt: ctx.now() });
        return { state: 'blocked', reason: plan.state.blockedBy };
      }
      store.transition(runId, ['queued'], 'running', ctx.now(), { startedAt: ctx.now() });
      return { state: 'running', reason: null };
    })();
    const run = store.byId(runId)!;
    if (decision.reason) {
      this.#audit(SYSTEM, decision.state === 'pending' ? 'runbook.run.plan_changed' : 'runbook.run.blocked', `runbook-run:${runId}`, 'denied', { reason: decision.reason });
      this.#timeline(run, SYSTEM, decision.state === 'pending' ? `Runbook run #${runId}: the plan changed before it started; approvals are void` : `Runbook run #${runId} blocked: ${decision.reason}`, { state: run.state, reason: decision.reason });
    }
    this.#published(run);
    if (decision.state !== 'running') return null;
    if (!run.dryRun) this.#timeline(run, SYSTEM, `Runbook "${run.title}" run #${runId} started`, { state: 'running' });
    return runner.start(run);
  }

  #published(run: StoredRun): void {
    this.#deps.ctx.events.publish({ type: 'runbook_run', data: publicRun(run) });
  }

  #timeline(run: StoredRun, actor: Actor, text: string, data: Record<string, unknown>): void {
    if (run.incidentId === null) return;
    try {
      this.#deps.alerts.incidentService.record(run.incidentId, 'runbook_run', text, actor, { runId: run.id, runbookId: run.runbookId, ...data });
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

  #requireRun(id: number): StoredRun {
    const run = this.#deps.store.byId(id);
    if (!run) throw new AppError('E_NOT_FOUND', `No runbook run ${id}.`);
    return run;
  }

  #requireIncident(id: number): void {
    if (!this.#deps.alerts.incidents.byId(id)) throw new AppError('E_NOT_FOUND', `No incident ${id}.`);
  }
}
