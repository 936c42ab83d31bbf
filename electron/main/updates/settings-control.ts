import type { UpdateSettings } from '../../../shared/ipc/channels/updates.ts';
import type { AutoCheck } from './auto-check.ts';
import type { UpdateSettingsFile } from './update-settings.ts';

/** The "check automatically" setting as the IPC handlers see it: stored, and applied at once. */
export interface UpdateSettingsControl {
  read(): UpdateSettings;
  change(settings: UpdateSettings): UpdateSettings;
}

/** Applies the stored setting now (the start-up check when it is on) and on every change. */
export function startUpdateSettings(file: UpdateSettingsFile, auto: AutoCheck): UpdateSettingsControl {
  auto.setEnabled(file.read().checkAutomatically);
  return {
    read: () => file.read(),
    change: (settings) => {
      const saved = file.write(settings);
      auto.setEnabled(saved.checkAutomatically);
      return saved;
    },
  };
}
