import fs from 'node:fs';
import path from 'node:path';
import type { TlsOptions } from '../../../shared/ipc/channels/connections.ts';

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

  /** A damaged file is set aside rather than silently overwritten, so it can be recovered. */
  private static read(file: string): ProfilesFile {
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch {
      return structuredClone(EMPTY);
    }
    try {
      const parsed = JSON.parse(raw) as ProfilesFile;
      if (parsed.version === 1 && Array.isArray(parsed.profiles)) return parsed;
    } catch {
      // falls through to setting the file aside
    }
    fs.renameSync(file, `${file}.damaged-${Date.now()}`);
    return structuredClone(EMPTY);
  }
}
