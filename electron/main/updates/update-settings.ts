import fs from 'node:fs';
import path from 'node:path';
import { Value } from 'typebox/value';
import { UpdateSettingsSchema, type UpdateSettings } from '../../../shared/ipc/channels/updates.ts';

const DEFAULTS: UpdateSettings = { checkAutomatically: true };

/**
 * `update-settings.json` in the user data folder. A missing or damaged file means the
 * defaults (checking is harmless: it never downloads by itself); writes are atomic.
 */
export class UpdateSettingsFile {
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  read(): UpdateSettings {
    try {
      const stored: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return Value.Check(UpdateSettingsSchema, stored) ? stored : { ...DEFAULTS };
    } catch {
      return { ...DEFAULTS };
    }
  }

  write(settings: UpdateSettings): UpdateSettings {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(settings, null, 2)}\n`);
    fs.renameSync(temporary, this.file);
    return { ...settings };
  }
}
