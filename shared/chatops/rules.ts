import { ackRule } from './rules/ack.ts';
import { alertShowRule } from './rules/alert-show.ts';
import { alertsRule } from './rules/alerts-list.ts';
import { anomalyRule } from './rules/anomaly.ts';
import { helpRule } from './rules/help.ts';
import { incidentAssignRule } from './rules/incident-assign.ts';
import { incidentRule } from './rules/incident-show.ts';
import { incidentStatusRule } from './rules/incident-status.ts';
import { incidentsListRule } from './rules/incidents-list.ts';
import type { Rule } from './rules/kit.ts';
import { metricsRule } from './rules/metrics.ts';
import { notFromChatRule } from './rules/not-from-chat.ts';
import { noteRule } from './rules/note.ts';
import { replyRule } from './rules/reply.ts';
import { runbookRule } from './rules/runbook-run.ts';
import { runCancelRule } from './rules/run-cancel.ts';
import { runbooksListRule } from './rules/runbooks-list.ts';
import { silenceRule } from './rules/silence-create.ts';
import { unsilenceRule } from './rules/silence-expire.ts';
import { silencesListRule } from './rules/silences-list.ts';
import { unackRule } from './rules/unack.ts';
export type { Line, Reading, Rule } from './rules/kit.ts';
export { HOST_PARAMS } from './rules/runbook-run.ts';

/**
 * The parser's rules, one file per intent (`rules/`), in the order they read a line; each says how well
 * the line fits its intent and the parser keeps the best (parser.ts).
 */
export const RULES: readonly Rule[] = [helpRule, replyRule, ackRule, unackRule, unsilenceRule, silenceRule, silencesListRule, noteRule, incidentStatusRule, incidentAssignRule, runCancelRule, notFromChatRule, incidentRule, incidentsListRule, anomalyRule, runbookRule, runbooksListRule, alertShowRule, alertsRule, metricsRule];
