import type { ReadExecutor } from './types.ts';
import { alertName, isoMinute } from './types.ts';

const TIMELINE_ENTRIES = 8;

/** "incident 7", "status of #7": the incident, its alerts and its latest timeline entries. */
export const incidentShow: ReadExecutor<'incident.show'> = {
  kind: 'read',
  async answer({ slots }, _user, { alerts }) {
    // detail() throws E_NOT_FOUND for an unknown id.
    const { incident, alerts: linked } = await alerts.incidentService.detail(slots.incidentId);
    const timeline = (await alerts.timeline.of(incident.id)).filter((e) => e.deletedAt === null).slice(-TIMELINE_ENTRIES);
    return {
      kind: 'incident',
      intent: 'incident.show',
      title: `Incident ${incident.id}: ${incident.title}`,
      text: `${incident.status}, ${incident.severity}, opened ${isoMinute(incident.openedAt)}; ${incident.firingCount} of ${incident.alertCount} alert(s) firing`,
      incident: {
        id: incident.id, title: incident.title, severity: incident.severity, status: incident.status, commander: incident.commander,
        openedAt: incident.openedAt, alertCount: incident.alertCount, firingCount: incident.firingCount,
      },
      alerts: linked.map((a) => ({ id: a.id, name: alertName(a.labels), severity: a.severity, state: a.state })),
      timeline: timeline.map((e) => ({ ts: e.ts, kind: e.kind, actor: e.actor, text: e.text })),
    };
  },
};
