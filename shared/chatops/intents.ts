import type { Permission } from '../auth/permissions.ts';

/**
 * The ChatOps intents and their slots: the contract of `POST /api/v1/chat/parse`
 * (docs/chatops.md). Pure data, shared by the server (execution) and the console (preview).
 */
export const INTENTS = [
  'metrics.show',
  'alerts.list',
  'alert.show',
  'alert.ack',
  'alert.unack',
  'silence.create',
  'silence.expire',
  'silences.list',
  'incident.show',
  'incidents.list',
  'incident.note',
  'incident.status',
  'incident.assign',
  'anomaly.explain',
  'runbook.run',
  'runbook.cancel',
  'runbooks.list',
  'help',
  'unknown',
] as const;
export type Intent = (typeof INTENTS)[number];

export interface SilenceMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface MetricsShowSlots {
  metric: string;
  target?: string;
  /** Unix ms. */
  from: number;
  to: number;
}
export type Severity = 'info' | 'warning' | 'critical';

export interface AlertsListSlots {
  target?: string;
  /** One severity named ("critical alerts"). */
  severity?: Severity;
  /** Two or more named ("critical and warning alerts"): alerts of any of them. */
  severities?: Severity[];
  state?: 'firing' | 'acknowledged' | 'resolved';
  /** "silenced alerts" (true), "alerts not silenced" (false): only alerts a silence does (or does not) cover now. */
  silenced?: boolean;
  /** "what fired overnight", "alerts in the last 2h": alerts active in [from, to] (Unix ms), whatever their state now. */
  from?: number;
  to?: number;
}
export interface AlertShowSlots {
  alertId: number;
}
/** Alerts one acknowledgement acts on at most (named, a range, or a target's firing ones); more: ack their incident. */
export const MAX_ALERTS_AT_ONCE = 50;

/** "unack 12", "unacknowledge alert 12 wrong one": back to firing, one alert at a time. */
export interface AlertUnackSlots {
  alertId: number;
  comment?: string;
}

/** One of: an alert, several alerts, an incident's firing alerts, or a target's firing alerts. */
export interface AlertAckSlots {
  alertId?: number;
  /** Two or more alerts named at once ("ack 12, 13 and 14"). */
  alertIds?: number[];
  incidentId?: number;
  /** Every firing alert on this target ("ack all alerts on db-1"); the confirmation says how many. */
  target?: string;
  /** With `target`: only its firing alerts of this severity ("ack all critical alerts on db-1"), or of these. */
  severity?: Severity;
  severities?: Severity[];
  comment?: string;
}
export interface SilenceCreateSlots {
  /** Empty when `alertId` names the alert: its labels become the matchers when it runs. */
  matchers: SilenceMatcher[];
  /** "silence 12 for 30m", "snooze alert 12": that alert, matched by all its labels. */
  alertId?: number;
  durationSeconds: number;
  comment?: string;
}
export interface SilenceExpireSlots {
  silenceId: number;
}
export interface SilencesListSlots {
  /** Absent: the silences in force or still to come (active and pending). */
  state?: 'active' | 'pending' | 'expired';
  /** Silences with a matcher naming this target. */
  target?: string;
}
export interface IncidentShowSlots {
  incidentId: number;
}
export interface IncidentsListSlots {
  /** Absent: every incident not resolved (open and mitigated). */
  status?: 'open' | 'mitigated' | 'resolved';
  severity?: Severity;
  /** Two or more named: incidents of any of them. */
  severities?: Severity[];
  /** Incidents with an alert on this target. */
  target?: string;
  /** "incidents this week", "outages yesterday": incidents active in [from, to] (Unix ms), resolved ones included. */
  from?: number;
  to?: number;
  /** "my incidents": those the asker is the commander of. */
  mine?: true;
  /** "unassigned incidents", "incidents without a commander". */
  unassigned?: true;
  /** "incidents assigned to bob": those this username commands. */
  commander?: string;
}
/** "I'll take incident 7", "assign incident 7 to alice": who commands the incident (absent: the asker). */
export interface IncidentAssignSlots {
  incidentId: number;
  /** A username; absent: whoever confirms ("me"). */
  commander?: string;
}
export interface IncidentNoteSlots {
  incidentId: number;
  text: string;
}
export interface IncidentStatusSlots {
  incidentId: number;
  /** "resolve incident 7", "mark 7 mitigated", "reopen 7". */
  status: 'open' | 'mitigated' | 'resolved';
  comment?: string;
}
export interface AnomalyExplainSlots {
  target: string;
  metric?: string;
}
export interface RunbookRunSlots {
  /** The runbook's id when the inventory knows it; otherwise the words that named it. */
  runbook: string;
  params: Record<string, string>;
  incidentId?: number;
}
/**
 * "cancel run 12", "kill run 12, wrong pool": a runbook run stopped, as its page's Cancel run does
 * (`POST /runbook-runs/:id/cancel`). Without `runId` ("cancel it"), the run the asker's conversation
 * is about: the one named by their latest runbook answer, found by the server when the line arrives.
 */
export interface RunbookCancelSlots {
  runId?: number;
  /** Why, as typed ("wrong pool"): the cancel's reason. */
  reason?: string;
}
export interface RunbooksListSlots {
  /** Runbooks whose id, title or keywords contain this word ("runbooks for restart"). */
  about?: string;
}
export interface HelpSlots {
  topic?: Exclude<Intent, 'help' | 'unknown'>;
}

export interface SlotsOf {
  'metrics.show': MetricsShowSlots;
  'alerts.list': AlertsListSlots;
  'alert.show': AlertShowSlots;
  'alert.ack': AlertAckSlots;
  'alert.unack': AlertUnackSlots;
  'silence.create': SilenceCreateSlots;
  'silence.expire': SilenceExpireSlots;
  'silences.list': SilencesListSlots;
  'incident.show': IncidentShowSlots;
  'incidents.list': IncidentsListSlots;
  'incident.note': IncidentNoteSlots;
  'incident.status': IncidentStatusSlots;
  'incident.assign': IncidentAssignSlots;
  'anomaly.explain': AnomalyExplainSlots;
  'runbook.run': RunbookRunSlots;
  'runbook.cancel': RunbookCancelSlots;
  'runbooks.list': RunbooksListSlots;
  help: HelpSlots;
  unknown: Record<string, never>;
}

/** One parsed command: an intent with its slots, for every intent. */
export type Command = { [I in Intent]: { intent: I; slots: SlotsOf[I] } }[Intent];

/** What the parser offers instead of guessing: "did you mean …". */
export interface Alternative {
  intent: Intent;
  /** A phrase the user could type, or the reading the parser considered. */
  text: string;
  confidence: number;
}

export type ParseResult = Command & {
  /** 0..1; below PARSE_THRESHOLD the answer is `unknown`. */
  confidence: number;
  /** The permission the command needs, null for help and unknown. */
  requiredPermission: Permission | null;
  /** One line saying what would happen. */
  preview: string;
  alternatives: Alternative[];
};

/** Below this the parser answers `unknown` with its alternatives rather than guess. */
export const PARSE_THRESHOLD = 0.6;

/** The permission each intent needs (the same matrix as the buttons of the console). */
export const INTENT_PERMISSION: Readonly<Record<Intent, Permission | null>> = {
  'metrics.show': 'metrics:read',
  'alerts.list': 'alerts:read',
  'alert.show': 'alerts:read',
  'alert.ack': 'alerts:write',
  'alert.unack': 'alerts:write',
  'silence.create': 'silences:write',
  'silence.expire': 'silences:write',
  'silences.list': 'alerts:read',
  'incident.show': 'incidents:read',
  'incidents.list': 'incidents:read',
  'incident.note': 'incidents:write',
  'incident.status': 'incidents:write',
  'incident.assign': 'incidents:write',
  'anomaly.explain': 'anomalies:read',
  'runbook.run': 'runbooks:run',
  'runbook.cancel': 'runbooks:run',
  'runbooks.list': 'runbooks:read',
  help: null,
  unknown: null,
};

/** Intents that change state: they answer a confirmation first and run on the second call. */
export const STATE_CHANGING: ReadonlySet<Intent> = new Set(['alert.ack', 'alert.unack', 'silence.create', 'silence.expire', 'incident.note', 'incident.status', 'incident.assign', 'runbook.run', 'runbook.cancel']);

/** The permission a parsed command needs: acknowledging a whole incident is an incident write. */
export function permissionFor(command: Command): Permission | null {
  if (command.intent === 'alert.ack' && command.slots.incidentId !== undefined) return 'incidents:write';
  return INTENT_PERMISSION[command.intent];
}

/** One example per intent, for help and for "did you mean". */
export const EXAMPLES: Readonly<Record<Exclude<Intent, 'unknown'>, readonly string[]>> = {
  'metrics.show': ['cpu on web-1 last 2h', 'memory of db-2 since 9am'],
  'alerts.list': ["what's firing on web-3", 'critical alerts'],
  'alert.show': ['alert 12', 'when did alert 12 start'],
  'alert.ack': ['ack 12 rolling back', 'acknowledge incident 7'],
  'alert.unack': ['unack 12 acked by mistake'],
  'silence.create': ['silence disk alerts on db-2 for 1h'],
  'silence.expire': ['unsilence 4'],
  'silences.list': ['active silences', 'silences on web-1'],
  'incident.show': ['incident 7', 'status of #7'],
  'incidents.list': ['open incidents', 'critical incidents on db-2'],
  'incident.note': ['note on 7: rolled back deploy 4.12'],
  'incident.status': ['resolve incident 7 fixed by rollback', 'mark 7 mitigated', 'reopen incident 7'],
  'incident.assign': ["I'll take incident 7", 'assign incident 7 to alice'],
  'anomaly.explain': ['why is api-1 anomalous'],
  'runbook.run': ['restart web on api-1'],
  'runbook.cancel': ['cancel run 12 wrong pool'],
  'runbooks.list': ['list runbooks', 'what runbooks are there', 'runbooks about disk'],
  help: ['help', 'what can I do'],
};
