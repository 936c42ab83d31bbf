import type { ServerContext } from '../context.ts';
import { SilenceStore } from './silences.ts';
import { AlertStore } from './store.ts';

/** The alerts feature's data, opened first: incidents read it and alerts write it. */
export interface AlertData {
  alerts: AlertStore;
  silences: SilenceStore;
}

export function openAlertData(ctx: ServerContext): AlertData {
  return { alerts: new AlertStore(ctx.sql), silences: new SilenceStore(ctx.sql) };
}
