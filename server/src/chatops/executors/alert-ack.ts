import { AppError } from '../../../../shared/errors.ts';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { actorOfChat } from '../chat-user.ts';
import type { ChangeExecutor, CommandOf, ExecutorDeps } from './types.ts';
import { alertName, alertTarget } from './types.ts';

function describe(alert: Alert): string {
  const target = alertTarget(alert.labels);
  return `alert ${alert.id} (${alertName(alert.labels)}${target ? ` on ${target}` : ''})`;
}

/** The alerts the command acknowledges: the one named, or the firing ones of the incident. */
async function alertsOf({ slots }: CommandOf<'alert.ack'>, { alerts }: ExecutorDeps): Promise<Alert[]> {
  if (slots.alertId !== undefined) {
    const alert = await alerts.alerts.byId(slots.alertId);
    if (!alert) throw new AppError('E_NOT_FOUND', `No alert ${slots.alertId}.`);
    if (alert.state === 'resolved') throw new AppError('E_CONFLICT', `Alert ${alert.id} is resolved; there is nothing to acknowledge.`);
    if (alert.state === 'acknowledged') throw new AppError('E_CONFLICT', `Alert ${alert.id} is already acknowledged by ${alert.acknowledgedBy ?? 'someone'}.`);
    return [alert];
  }
  const id = slots.incidentId!;
  if (!(await alerts.incidents.byId(id))) throw new AppError('E_NOT_FOUND', `No incident ${id}.`);
  const firing = (await alerts.alerts.ofIncident(id)).filter((a) => a.state === 'firing');
  if (firing.length === 0) throw new AppError('E_CONFLICT', `Incident ${id} has no firing alert to acknowledge.`);
  return firing;
}

/** "ack 12 rolling back", "acknowledge incident 7". */
export const alertAck: ChangeExecutor<'alert.ack'> = {
  kind: 'change',
  async check(command, _user, deps) {
    const targets = await alertsOf(command, deps);
    const comment = command.slots.comment ? ` with comment "${command.slots.comment}"` : '';
    return `Acknowledge ${targets.length === 1 ? describe(targets[0]!) : `${targets.length} firing alerts of incident ${command.slots.incidentId}`}${comment}`;
  },
  async execute(command, user, deps) {
    const comment = command.slots.comment ?? `Acknowledged from chat by ${user.name}`;
    const done: Alert[] = [];
    for (const alert of await alertsOf(command, deps)) done.push(await deps.alerts.service.acknowledge(alert.id, actorOfChat(user), comment));
    const lines = done.map((a) => `Acknowledged ${describe(a)}`);
    return { kind: 'text', intent: 'alert.ack', title: done.length === 1 ? `Alert ${done[0]!.id} acknowledged` : `${done.length} alerts acknowledged`, text: `${lines.join('; ')} — "${comment}"`, lines };
  },
};
