import type { Incident } from '../../../../shared/api/incidents.ts';

/**
 * The incident's alerts as they are: "1 firing, 1 acknowledged, 2 resolved of 4 alerts".
 * `note` explains a status its alerts do not bear out (open with nothing unresolved), so
 * "OPEN" never stands next to "0 firing" without a word.
 */
export function incidentCounts(incident: Incident): { text: string; note: string | null } {
  const acknowledged = incident.acknowledgedCount ?? 0;
  const resolved = Math.max(0, incident.alertCount - incident.firingCount - acknowledged);
  const parts = [`${incident.firingCount} firing`];
  if (acknowledged > 0) parts.push(`${acknowledged} acknowledged`);
  parts.push(`${resolved} resolved`);
  const text = `${parts.join(', ')} of ${incident.alertCount} alert${incident.alertCount === 1 ? '' : 's'}`;
  let note: string | null = null;
  if (incident.mergedInto !== null) note = `Merged into incident #${incident.mergedInto}; its alerts moved there.`;
  else if (incident.status !== 'resolved' && incident.alertCount > 0 && incident.firingCount + acknowledged === 0) {
    note = `All its alerts have resolved, but the incident is still ${incident.status} (resolved by hand, or auto-resolve is off): resolve it when the work is done.`;
  } else if (incident.status !== 'resolved' && incident.firingCount === 0 && acknowledged > 0) {
    note = `Nothing is firing unattended: ${acknowledged} alert${acknowledged === 1 ? ' is' : 's are'} acknowledged and still unresolved.`;
  } else if (incident.status === 'resolved' && incident.firingCount + acknowledged > 0) {
    note = `Resolved by hand while ${incident.firingCount + acknowledged} alert${incident.firingCount + acknowledged === 1 ? ' is' : 's are'} still unresolved.`;
  }
  return { text, note };
}
