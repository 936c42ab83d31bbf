import { AppError } from '../../../../shared/errors.ts';
import { actorOfChat } from '../chat-user.ts';
import type { ChangeExecutor } from './types.ts';
import { alertName, alertTarget } from './types.ts';

/** "unack 12 acked by mistake": the alert fires again (and pages as before), the console's Un-acknowledge. */
export const alertUnack: ChangeExecutor<'alert.unack'> = {
  kind: 'change',
  async check({ slots }, _user, { alerts }) {
    const alert = await alerts.alerts.byId(slots.alertId);
    if (!alert) throw new AppError('E_NOT_FOUND', `No alert ${slots.alertId}.`);
    if (alert.state !== 'acknowledged') throw new AppError('E_CONFLICT', `Alert ${alert.id} is ${alert.state}: only an acknowledged alert can be un-acknowledged.`);
    const target = alertTarget(alert.labels);
    const by = alert.acknowledgedBy ? `, acknowledged by ${alert.acknowledgedBy}` : '';
    return `Un-acknowledge alert ${alert.id} (${alertName(alert.labels)}${target ? ` on ${target}` : ''}${by}): it fires again${slots.comment ? `, with comment "${slots.comment}"` : ''}`;
  },
  async execute({ slots }, user, { alerts }) {
    const alert = await alerts.service.unacknowledge(slots.alertId, actorOfChat(user), slots.comment);
    return { kind: 'text', intent: 'alert.unack', title: `Alert ${alert.id} un-acknowledged`, text: `Alert ${alert.id} (${alertName(alert.labels)}) is ${alert.state} again${slots.comment ? ` — "${slots.comment}"` : ''}.`, lines: [] };
  },
};
