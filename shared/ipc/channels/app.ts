import { Type, type Static } from 'typebox';
import { event, invoke } from '../define.ts';

export const AppInfoSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  platform: Type.String(),
  versions: Type.Object({ electron: Type.String(), chrome: Type.String(), node: Type.String() }),
  packaged: Type.Boolean(),
});
export type AppInfo = Static<typeof AppInfoSchema>;

/** Where a deep link (`smartcloudops://incident/<id>`) or a notification asks the console to go. */
export const NavigationTargetSchema = Type.Union([
  Type.Object({ kind: Type.Literal('incident'), incidentId: Type.String() }),
  Type.Object({ kind: Type.Literal('alerts') }),
  /** An alert with its acknowledge form open (a click on a critical alert's notification). */
  Type.Object({ kind: Type.Literal('acknowledge'), alertId: Type.Integer({ minimum: 1 }) }),
  /** Runbook runs waiting for approval. */
  Type.Object({ kind: Type.Literal('approvals') }),
  /** The imported capsules (where a replaced server's kept-offline incidents moved). */
  Type.Object({ kind: Type.Literal('capsules') }),
]);
export type NavigationTarget = Static<typeof NavigationTargetSchema>;

export const appChannels = {
  'app.info': invoke(Type.Undefined(), AppInfoSchema),
  /** Opens an https URL in the system browser; anything else is refused. */
  'app.openExternal': invoke(Type.Object({ url: Type.String({ maxLength: 4096 }) }, { additionalProperties: false }), Type.Null()),
  /** Copies text to the system clipboard (the page's own clipboard permission is denied like all others). */
  'app.copyText': invoke(Type.Object({ text: Type.String({ maxLength: 65_536 }) }, { additionalProperties: false }), Type.Null()),
  /**
   * The navigation that started the app (a deep link) or arrived before the console was
   * listening; handed out once. The console calls it after subscribing to `app.navigate`.
   */
  'app.takeNavigation': invoke(Type.Undefined(), Type.Union([NavigationTargetSchema, Type.Null()])),
};

export const appEvents = {
  'app.navigate': event(NavigationTargetSchema),
};
