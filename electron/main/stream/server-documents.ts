import { Compile } from 'typebox/compile';
import { Type } from 'typebox';
import type { Alert } from '../../../shared/api/alerts.ts';
import type { Run } from '../../../shared/api/runbooks.ts';
import type { AlertEventData } from '../../../shared/api/stream.ts';

/**
 * The fields main itself reads from a server's alert and run documents (the tray count, the
 * native notifications), checked before they are read: the live stream and the API hand main
 * whatever the server sent, and a hostile or broken server's `null`, `{}` or `{id: "x"}`
 * made those readers throw inside the stream's data handler, an uncaught exception of the
 * main process that also lost the events after it. Only these fields are required, other
 * fields may be anything, so a newer server's documents still pass (the console checks
 * what it shows on its own side).
 */
const Text = Type.Record(Type.String(), Type.String());

const alertFields = Compile(
  Type.Object({
    id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    state: Type.String(),
    severity: Type.String(),
    silenced: Type.Boolean(),
    startsAt: Type.Integer(),
    labels: Text,
    annotations: Text,
  }),
);

const alertEventFields = Compile(Type.Object({ action: Type.String(), alert: Type.Unknown() }));

const runFields = Compile(
  Type.Object({
    id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    state: Type.String(),
    title: Type.String(),
    target: Type.String(),
    requestedBy: Type.String(),
    requestedByKind: Type.String(),
    incidentId: Type.Union([Type.Integer(), Type.Null()]),
  }),
);

export function isAlertDocument(value: unknown): value is Alert {
  return alertFields.Check(value);
}

export function isAlertEventData(value: unknown): value is AlertEventData {
  return alertEventFields.Check(value) && isAlertDocument(value.alert);
}

export function isRunDocument(value: unknown): value is Run {
  return runFields.Check(value);
}
