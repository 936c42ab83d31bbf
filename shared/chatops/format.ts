import type { Command, Severity, SilenceMatcher } from './intents.ts';
import { isoTime } from '../iso-time.ts';

/** `5400000` → `1h 30m`: the way people write durations in chat. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

export function formatMatcher(m: SilenceMatcher): string {
  return `${m.name}${m.op}"${m.value}"`;
}

function isoMinute(ts: number): string {
  return `${isoTime(ts).slice(0, 16).replace('T', ' ')} UTC`;
}

/** One line saying what a command would do, for the parse answer and confirmation cards. */
export function previewOf(command: Command, now: number): string {
  switch (command.intent) {
    case 'metrics.show': {
      const { metric, target, from, to } = command.slots;
      const when = now - to < 60_000 ? `over the last ${formatDuration(to - from)}` : `from ${isoMinute(from)} to ${isoMinute(to)}`;
      return `Chart ${metric}${target ? ` on ${target}` : ' on every target'} ${when}`;
    }
    case 'alerts.list': {
      const { target, state, from, to } = command.slots;
      const kind = alertKindWords(command.slots);
      if (from !== undefined && to !== undefined) {
        const when = now - to < 60_000 ? `in the last ${formatDuration(to - from)}` : `from ${isoMinute(from)} to ${isoMinute(to)}`;
        return `List ${state ? `${state} ` : ''}${kind ? `${kind} ` : ''}alerts active ${when}${target ? ` on ${target}` : ''}`;
      }
      return `List ${state ?? 'unresolved'}${kind ? ` ${kind}` : ''} alerts${target ? ` on ${target}` : ''}`;
    }
    case 'alert.show':
      return `Show alert ${command.slots.alertId}`;
    case 'alert.ack': {
      const { alertId, alertIds, incidentId, target, comment } = command.slots;
      const severity = severityWords(command.slots);
      const what =
        alertId !== undefined ? `alert ${alertId}`
        : alertIds !== undefined ? `alerts ${listed(alertIds)}`
        : target !== undefined ? `every firing ${severity ? `${severity} ` : ''}alert on ${target}`
        : incidentId !== undefined ? `every open alert of incident ${incidentId}`
        : 'an alert';
      return `Acknowledge ${what}${comment ? ` with comment "${comment}"` : ''}`;
    }
    case 'alert.unack':
      return `Un-acknowledge alert ${command.slots.alertId} (back to firing)${command.slots.comment ? ` with comment "${command.slots.comment}"` : ''}`;
    case 'silence.create': {
      const { matchers, durationSeconds, comment, alertId } = command.slots;
      if (alertId !== undefined) return `Silence alert ${alertId} (all its labels) for ${formatDuration(durationSeconds * 1000)}${comment ? ` ("${comment}")` : ''}`;
      return `Silence alerts matching ${matchers.map(formatMatcher).join(', ')} for ${formatDuration(durationSeconds * 1000)}${comment ? ` ("${comment}")` : ''}`;
    }
    case 'silence.expire':
      return `Expire silence ${command.slots.silenceId}`;
    case 'silences.list': {
      const { state, target } = command.slots;
      return `List ${state ?? 'active and pending'} silences${target ? ` on ${target}` : ''}`;
    }
    case 'incident.show':
      return `Show incident ${command.slots.incidentId}`;
    case 'incidents.list': {
      const { status, target, from, to, mine, unassigned, commander } = command.slots;
      const severity = severityWords(command.slots);
      const yours = mine ? ' you command' : unassigned ? ' without a commander' : commander ? ` commanded by ${commander}` : '';
      if (from !== undefined && to !== undefined) {
        const when = now - to < 60_000 ? `in the last ${formatDuration(to - from)}` : `from ${isoMinute(from)} to ${isoMinute(to)}`;
        return `List ${status ? `${status} ` : ''}${severity ? `${severity} ` : ''}incidents${yours} active ${when}${target ? ` on ${target}` : ''}`;
      }
      return `List ${status ?? 'unresolved'}${severity ? ` ${severity}` : ''} incidents${yours}${target ? ` on ${target}` : ''}`;
    }
    case 'incident.note':
      return `Add a note to incident ${command.slots.incidentId}: "${command.slots.text}"`;
    case 'incident.assign':
      return `Make ${command.slots.commander ?? 'you'} the commander of incident ${command.slots.incidentId}`;
    case 'incident.status': {
      const { incidentId, status, comment } = command.slots;
      const what = status === 'resolved' ? `Resolve incident ${incidentId}` : status === 'mitigated' ? `Mark incident ${incidentId} as mitigated` : `Reopen incident ${incidentId}`;
      return `${what}${comment ? ` with comment "${comment}"` : ''}`;
    }
    case 'anomaly.explain':
      return `Explain the latest anomaly on ${command.slots.target}${command.slots.metric ? ` (${command.slots.metric})` : ''}`;
    case 'runbook.run': {
      const { runbook, params, incidentId } = command.slots;
      const args = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ');
      return `Plan runbook ${runbook}${args ? ` with ${args}` : ''}${incidentId !== undefined ? ` for incident ${incidentId}` : ''}`;
    }
    case 'runbook.cancel': {
      const { runId, reason } = command.slots;
      return `Cancel ${runId !== undefined ? `runbook run #${runId}` : 'the runbook run this conversation is about'}${reason ? ` (reason: "${reason}")` : ''}`;
    }
    case 'runbooks.list':
      return `List the runbooks${command.slots.about ? ` about "${command.slots.about}"` : ''}`;
    case 'help':
      return command.slots.topic ? `Help on ${command.slots.topic}` : 'List what you can ask';
    case 'unknown':
      return 'Not understood';
  }
}

/** "critical", "critical or warning": the severities a list command asks for, in words ('' for any). */
/** The alerts list's filters in words before "alerts": "silenced critical", "unsilenced", "warning or info", or nothing. */
export function alertKindWords(slots: { silenced?: boolean; severity?: Severity; severities?: readonly Severity[] }): string {
  const silenced = slots.silenced === undefined ? '' : slots.silenced ? 'silenced' : 'unsilenced';
  return [silenced, severityWords(slots)].filter((w) => w !== '').join(' ');
}

export function severityWords(slots: { severity?: Severity; severities?: readonly Severity[] }): string {
  const named = slots.severities ?? (slots.severity ? [slots.severity] : []);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} or ${named.at(-1)}`;
}

/** The severities a list command asks for, as the list APIs' `severity` query (comma-separated), if any. */
export function severityQuery(slots: { severity?: Severity; severities?: readonly Severity[] }): { severity?: string } {
  const named = slots.severities ?? (slots.severity ? [slots.severity] : []);
  return named.length > 0 ? { severity: named.join(',') } : {};
}

/** "12, 13 and 14". */
export function listed(items: readonly (string | number)[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
