import type { ResolvedStep } from '../../../../shared/api/runbooks.ts';
import type { Matcher } from '../../../../shared/api/alerts.ts';
import { AppError } from '../../../../shared/errors.ts';
import type { Actor } from '../../core/actor.ts';
import type { RunbookAlerting } from '../feature.ts';
import { sleep } from '../verify.ts';
import type { StepContext, StepResult } from './types.ts';
import { isoTime } from '../../../../shared/iso-time.ts';

/**
 * The internal actions, done through the alerts and incidents services (so they are
 * audited and on the timeline like the same action by hand): acknowledge the incident's
 * firing alerts, add a note, create a silence, wait.
 */
export function internalExecutor(alerts: RunbookAlerting, actor: Actor, now: () => number) {
  return async (step: ResolvedStep, context: StepContext): Promise<StepResult> => {
    try {
      switch (step.kind) {
        case 'wait':
          context.output.write('info', `waiting ${step.durationMs} ms\n`);
          await sleep(step.durationMs!, context.signal);
          return context.signal.aborted ? { ok: false, exitCode: null, error: 'interrupted' } : { ok: true, exitCode: null, error: null };
        case 'note': {
          if (context.incidentId === null) return { ok: false, exitCode: null, error: 'a note needs an incident' };
          const entry = await alerts.incidentService.addNote(context.incidentId, step.text!, actor);
          context.output.write('info', `note #${entry.id} added to incident ${context.incidentId}\n`);
          return { ok: true, exitCode: null, error: null };
        }
        case 'acknowledge': {
          if (context.incidentId === null) return { ok: false, exitCode: null, error: 'acknowledge needs an incident' };
          const firing = (await alerts.alerts.ofIncident(context.incidentId)).filter((alert) => alert.state === 'firing');
          for (const alert of firing) await alerts.service.acknowledge(alert.id, actor, step.text!);
          context.output.write('info', `acknowledged ${firing.length} alert(s) of incident ${context.incidentId}\n`);
          return { ok: true, exitCode: null, error: null };
        }
        case 'silence': {
          const matchers: Matcher[] = Object.entries(step.match ?? {}).map(([name, value]) => ({ name, op: '=', value }));
          if (matchers.length === 0) return { ok: false, exitCode: null, error: 'a silence needs matchers (`match`, or an alert to take its labels from)' };
          const silence = await alerts.service.createSilence({ matchers, startsAt: now(), endsAt: now() + step.durationMs!, comment: step.text! }, actor);
          context.output.write('info', `silence #${silence.id} until ${isoTime(silence.endsAt)}\n`);
          return { ok: true, exitCode: null, error: null };
        }
        default:
          return { ok: false, exitCode: null, error: `not an internal action: ${step.kind}` };
      }
    } catch (error) {
      if (error instanceof AppError) return { ok: false, exitCode: null, error: error.message };
      throw error;
    }
  };
}
