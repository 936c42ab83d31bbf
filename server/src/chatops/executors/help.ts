import { EXAMPLES } from '../../../../shared/chatops/intents.ts';
import { allowedIntents } from '../policy.ts';
import type { ReadExecutor } from './types.ts';

const DESCRIPTIONS: Record<keyof typeof EXAMPLES, string> = {
  'metrics.show': 'chart a metric of a host',
  'alerts.list': 'list alerts',
  'alert.show': 'show one alert, its state and its incident',
  'alert.ack': 'acknowledge an alert or an incident',
  'alert.unack': 'un-acknowledge an alert acknowledged by mistake',
  'silence.create': 'silence alerts for a while',
  'silence.expire': 'end a silence',
  'silences.list': 'list silences',
  'incident.show': 'show an incident',
  'incidents.list': 'list incidents',
  'incident.note': 'add a note to an incident',
  'incident.status': 'resolve, mitigate or reopen an incident',
  'incident.assign': 'take command of an incident, or give it to someone',
  'anomaly.explain': 'explain the latest anomaly of a host',
  'runbook.run': 'plan and request a runbook run',
  'runbook.cancel': 'cancel a runbook run waiting, queued or running',
  'runbooks.list': 'list the runbooks',
  help: 'this list',
};

/** Intents shown with a help topic's own: "help incidents" is about one incident and the list of them. */
const RELATED: Partial<Record<keyof typeof EXAMPLES, readonly (keyof typeof EXAMPLES)[]>> = { 'alerts.list': ['alert.show'], 'alert.ack': ['alert.unack'], 'incident.show': ['incidents.list', 'incident.status', 'incident.assign'], 'silence.create': ['silences.list', 'silence.expire'], 'runbook.run': ['runbooks.list', 'runbook.cancel'] };

/** "help": only what the asker may do, each with an example. */
export const help: ReadExecutor<'help'> = {
  kind: 'read',
  answer({ slots }, user) {
    const allowed = allowedIntents(user);
    const topic = slots.topic;
    const shown = topic ? allowed.filter((intent) => intent === topic || RELATED[topic]?.includes(intent)) : allowed;
    const lines = shown.map((intent) => `${DESCRIPTIONS[intent]}: ${EXAMPLES[intent].map((e) => `"${e}"`).join(', ')}`);
    if (slots.topic && shown.length === 0) {
      return { kind: 'text', intent: 'help', title: 'Help', text: `Your role (${user.role}) cannot use ${slots.topic} from chat.`, lines: [] };
    }
    return { kind: 'text', intent: 'help', title: slots.topic ? `Help: ${slots.topic}` : 'What you can ask', text: `As ${user.role} you can:`, lines };
  },
};
