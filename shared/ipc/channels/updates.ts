import { Type, type Static } from 'typebox';
import { event, invoke } from '../define.ts';

export const UpdateStatusSchema = Type.Object({
  /** `disabled` in development and when no update URL is configured. */
  state: Type.Union([
    Type.Literal('disabled'),
    Type.Literal('idle'),
    Type.Literal('checking'),
    Type.Literal('available'),
    Type.Literal('not-available'),
    Type.Literal('downloading'),
    Type.Literal('downloaded'),
    Type.Literal('error'),
  ]),
  currentVersion: Type.String(),
  /** The version offered, once known. */
  availableVersion: Type.Union([Type.String(), Type.Null()]),
  progress: Type.Union([
    Type.Object({ percent: Type.Number(), transferred: Type.Number(), total: Type.Number(), bytesPerSecond: Type.Number() }),
    Type.Null(),
  ]),
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  /** The offered release's notes as plain text (GitHub's HTML is reduced to text in main). */
  releaseNotes: Type.Union([Type.String(), Type.Null()]),
});
export type UpdateStatus = Static<typeof UpdateStatusSchema>;

export const UpdateSettingsSchema = Type.Object(
  {
    /** Look for updates at start-up and every few hours; never downloads or installs by itself. */
    checkAutomatically: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type UpdateSettings = Static<typeof UpdateSettingsSchema>;

export const updateChannels = {
  'updates.status': invoke(Type.Undefined(), UpdateStatusSchema),
  'updates.check': invoke(Type.Undefined(), UpdateStatusSchema),
  'updates.download': invoke(Type.Undefined(), UpdateStatusSchema),
  /** Quits and installs a downloaded update; refused unless one is downloaded. */
  'updates.install': invoke(Type.Undefined(), Type.Null()),
  'updates.settings': invoke(Type.Undefined(), UpdateSettingsSchema),
  'updates.setSettings': invoke(UpdateSettingsSchema, UpdateSettingsSchema),
};

export const updateEvents = {
  'updates.changed': event(UpdateStatusSchema),
};
