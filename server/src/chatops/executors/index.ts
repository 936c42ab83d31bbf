import type { Intent } from '../../../../shared/chatops/intents.ts';
import { alertAck } from './alert-ack.ts';
import { alertShow } from './alert-show.ts';
import { alertUnack } from './alert-unack.ts';
import { alertsList } from './alerts-list.ts';
import { anomalyExplain } from './anomaly-explain.ts';
import { help } from './help.ts';
import { incidentAssign } from './incident-assign.ts';
import { incidentNote } from './incident-note.ts';
import { incidentShow } from './incident-show.ts';
import { incidentStatus } from './incident-status.ts';
import { incidentsList } from './incidents-list.ts';
import { metricsShow } from './metrics-show.ts';
import { runbookCancel } from './runbook-cancel.ts';
import { runbookRun } from './runbook-run.ts';
import { runbooksList } from './runbooks-list.ts';
import { silenceCreate } from './silence-create.ts';
import { silenceExpire } from './silence-expire.ts';
import { silencesList } from './silences-list.ts';
import type { Executor } from './types.ts';

/** One executor per intent; `unknown` has none (it is answered with alternatives). */
export const EXECUTORS: { [I in Exclude<Intent, 'unknown'>]: Executor<I> } = {
  'metrics.show': metricsShow,
  'alerts.list': alertsList,
  'alert.show': alertShow,
  'alert.ack': alertAck,
  'alert.unack': alertUnack,
  'silence.create': silenceCreate,
  'silence.expire': silenceExpire,
  'silences.list': silencesList,
  'incident.show': incidentShow,
  'incidents.list': incidentsList,
  'incident.note': incidentNote,
  'incident.status': incidentStatus,
  'incident.assign': incidentAssign,
  'anomaly.explain': anomalyExplain,
  'runbook.run': runbookRun,
  'runbook.cancel': runbookCancel,
  'runbooks.list': runbooksList,
  help,
};
