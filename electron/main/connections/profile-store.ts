import fs from 'node:fs';
import path from 'node:path';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { AppError } from '../../../shared/errors.ts';
import { TlsOptionsSchema, type TlsOptions } from '../../../shared/ipc/channels/connections.ts';
import { normalizeServerUrl } from './server-url.ts';

/** A server profile as stored on disk: no secrets here, they live in the CredentialStore. */
export interface StoredProfile {
  id: string;
  name: string;
  url: string;
  tls: TlsOptions;
  username: string | null;
}

interface ProfilesFile {
  version: 1;
  activeId: string | null;
  profiles: StoredProfile[];
}

const EMPTY: ProfilesFile = { version: 1, activeId: null, profiles: [] };

/** What the file must hold: every field the IPC contract answers with, in its shape. */
const StoredProfileSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  name: Type.String({ minLength: 1, maxLength: 80 }),
  url: Type.String({ maxLength: 2048 }),
  tls: TlsOptionsSchema,
  username: Type.Union([Type.String(), Type.Null()]),
});
const ProfilesFileSchema = Type.Object({
  version: Type.Literal(1),
  activeId: Type.Union([Type.String(), Type.Null()]),
  profiles: Type.Array(StoredProfileSchema),
});

/** A URL these rules still accept, exactly as they would write it. */
function acceptableUrl(url: string): boolean {
  try {
    return normalizeServerUrl(url) === url;
  } catch {
    return false;
  }
}

/** A file this version can use as it is: the shape, URLs that are still acceptable, unique ids. */
function usable(parsed: unknown): parsed is ProfilesFile {
  if (!Value.Check(ProfilesFileSchema, parsed)) return false;
  const ids = new Set(parsed.profiles.map((profile) => profile.id));
  if (ids.size !== parsed.profiles.length) return false;
  return parsed.profiles.every((profile) => acceptableUrl(profile.url));
}

/**
 * A profile about to be written must be one the next read accepts (else the whole file,
 * every profile in it, would be set aside as damaged at the next start) and one the
 * console can be answered with: a name blank once trimmed, or a URL that grew past the
 * limit once normalized (percent-encoding makes a character up to six), are refused.
 */
export function assertStorable(profile: StoredProfile): void {
  if (Value.Check(StoredProfileSchema, profile) && acceptableUrl(profile.url)) return;
  if (profile.name.length === 0 || profile.name.length > 80) throw new AppError('E_VALIDATION', 'A connection needs a name of 1 to 80 characters.');
  if (profile.url.length > 2048 || !acceptableUrl(profile.url)) throw new AppError('E_VALIDATION', 'The server URL is too long once written out (at most 2,048 characters).');
  throw new AppError('E_VALIDATION', 'The connection cannot be saved as given.', { at: Value.Errors(StoredProfileSchema, profile)[0]?.instancePath ?? '' });
}

/** Server profiles in `connections.json` in the user data folder. */
export class ProfileStore {
  private readonly file: string;
  private state: ProfilesFile;

  constructor(file: string) {
    this.file = file;
    this.state = ProfileStore.read(file);
  }

  list(): StoredProfile[] {
    return this.state.profiles.map((profile) => structuredClone(profile));
  }

  get(id: string): StoredProfile | undefined {
    const profile = this.state.profiles.find((candidate) => candidate.id === id);
    return profile && structuredClone(profile);
  }

  activeId(): string | null {
    return this.state.activeId;
  }

  put(profile: StoredProfile): void {
    assertStorable(profile);
    const others = this.state.profiles.filter((candidate) => candidate.id !== profile.id);
    const index = this.state.profiles.findIndex((candidate) => candidate.id === profile.id);
    const profiles = index < 0 ? [...others, profile] : [...others.slice(0, index), profile, ...others.slice(index)];
    this.commit({ ...this.state, profiles });
  }

  remove(id: string): void {
    this.commit({
      ...this.state,
      profiles: this.state.profiles.filter((candidate) => candidate.id !== id),
      activeId: this.state.activeId === id ? null : this.state.activeId,
    });
  }

  setActive(id: string | null): void {
    this.commit({ ...this.state, activeId: id });
  }

  private commit(next: ProfilesFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(next, null, 2), { mode: 0o600 });
    fs.renameSync(temporary, this.file);
    this.state = next;
  }

  /**
   * A damaged file (not JSON, or a profile not in the shape the console is answered with)
   * is set aside rather than silently overwritten, so it can be recovered.
   */
  private static read(file: string): ProfilesFile {
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch {
      return structuredClone(EMPTY);
    }
    try {
      const parsed = JSON.parse(raw) as unknown;
      // A profile the console cannot be answered with (a hand edit, another program) would
      // fail every connections.list; such a file counts as damaged too.
      if (usable(parsed)) {
        const activeId = parsed.profiles.some((profile) => profile.id === parsed.activeId) ? parsed.activeId : null;
        return { version: 1, activeId, profiles: parsed.profiles.map(({ id, name, url, tls, username }) => ({ id, name, url, tls, username })) };
      }
    } catch {
      // falls through to setting the file aside
    }
    fs.renameSync(file, `${file}.damaged-${Date.now()}`);
    return structuredClone(EMPTY);
  }
}
