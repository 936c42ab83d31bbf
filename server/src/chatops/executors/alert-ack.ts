import { AppError } from '../../../../shared/errors.ts';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { actorOfChat } from '../chat-user.ts';
import type { ChangeExecutor, CommandOf, ExecutorDeps } from './types.ts';
import { alertName, alertTarget } from './types.ts';
import { listed, severityQuery, severityWords } from '../../../../shared/chatops/format.ts';
import { MAX_ALERTS_AT_ONCE as MAX_AT_ONCE } from '../../../../shared/chatops/intents.ts';

function describe(alert: Alert): string {
  const target = alertTarget(alert.labels);
  return `alert ${alert.id} (${alertName(alert.labels)}${target ? ` on ${target}` : ''})`;
}

/** The alerts the command acknowledges: the one named, the ones named, or the firing ones of an incident or a target. */
async function alertsOf({ slots }: CommandOf<'alert.ack'>, { alerts, inventory }: ExecutorDeps): Promise<Alert[]> {
  if (slots.alertIds !== undefined) {
    if (slots.alertIds.length > MAX_AT_ONCE) throw new AppError('E_VALIDATION', `${slots.alertIds.length} alerts named, more than ${MAX_AT_ONCE} at once: acknowledge their incident instead ("ack incident 7").`);
    const named = await Promise.all(slots.alertIds.map(async (id) => ({ id, alert: await alerts.alerts.byId(id) })));
    const missing = named.filter((n) => !n.alert).map((n) => n.id);
    if (missing.length > 0) throw new AppError('E_NOT_FOUND', `No alert ${listed(missing)}.`);
    const firing = named.map((n) => n.alert!).filter((a) => a.state === 'firing');
    if (firing.length === 0) throw new AppError('E_CONFLICT', `Alerts ${listed(slots.alertIds)} are resolved or already acknowledged; there is nothing to acknowledge.`);
    return firing;
  }
  if (slots.target !== undefined) {
    const label = `${await inventory.labelOf(slots.target)}=${slots.target}`;
    const { items, total } = await alerts.alerts.list({ state: 'firing', label, ...severityQuery(slots), sort: 'severity', order: 'desc', limit: MAX_AT_ONCE });
    const severity = severityWords(slots);
    if (total === 0) throw new AppError('E_CONFLICT', `No firing ${severity ? `${severity} ` : ''}alert on ${slots.target}; there is nothing to acknowledge.`);
    if (total > MAX_AT_ONCE) throw new AppError('E_CONFLICT', `${total} alerts are firing on ${slots.target}, more than ${MAX_AT_ONCE} at once: acknowledge their incident instead ("ack incident 7"), or name them.`);
    return items;
  }
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
    const { alertIds, target, incidentId } = command.slots;
    const severity = severityWords(command.slots);
    const skipped = alertIds ? alertIds.filter((id) => !targets.some((a) => a.id === id)) : [];
    const what =
      targets.length === 1 && incidentId === undefined && target === undefined ? describe(targets[0]!)
      : alertIds ? `${listed(targets.map(describe))}${skipped.length > 0 ? ` (${listed(skipped)} ${skipped.length === 1 ? 'is' : 'are'} resolved or acknowledged already)` : ''}`
      : target !== undefined ? `the ${targets.length} firing ${severity ? `${severity} ` : ''}${targets.length === 1 ? 'alert' : 'alerts'} on ${target}: ${listed(targets.map((a) => a.id))}`
      : `${targets.length} firing alerts of incident ${incidentId}`;
    return `Acknowledge ${what}${comment}`;
  },
  async execute(command, user, deps) {
    const comment = command.slots.comment ?? `Acknowledged from chat by ${user.name}`;
    const done: Alert[] = [];
    for (const alert of await alertsOf(command, deps)) done.push(await deps.alerts.service.acknowledge(alert.id, actorOfChat(user), comment));
    // One alert: the sentence says it all; several: a summary, then one line each (not the same sentence twice).
    if (done.length === 1) return { kind: 'text', intent: 'alert.ack', title: `Alert ${done[0]!.id} acknowledged`, text: `Acknowledged ${describe(done[0]!)} — "${comment}"`, lines: [] };
    return { kind: 'text', intent: 'alert.ack', title: `${done.length} alerts acknowledged`, text: `Acknowledged ${done.length} alerts — "${comment}"`, lines: done.map((a) => `Acknowledged ${describe(a)}`) };
  },
};
