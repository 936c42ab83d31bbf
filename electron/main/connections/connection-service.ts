import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import type { AuthStatus, DesktopLoginRequest } from '../../../shared/ipc/channels/auth.ts';
import type {
  ConnectionList,
  ConnectionProfile,
  ConnectionTestResult,
  ConnectionUpdate,
  NewConnection,
  TlsOptions,
} from '../../../shared/ipc/channels/connections.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import type { ServerSession, SessionStatus } from '../http/server-session.ts';
import { assertStorable, type ProfileStore, type StoredProfile } from './profile-store.ts';
import { normalizeServerUrl } from './server-url.ts';

export interface ConnectionServiceOptions {
  profiles: ProfileStore;
  credentials: CredentialStore;
  /** Builds the session of a profile (axios with its URL and TLS options). */
  createSession: (profile: StoredProfile, onChange: (status: SessionStatus) => void) => ServerSession;
  probe: (url: string, tls: TlsOptions) => Promise<ConnectionTestResult>;
  createId?: () => string;
  onListChanged?: (list: ConnectionList) => void;
  onAuthChanged?: (status: AuthStatus) => void;
  /** Told what went wrong without failing the caller (a default server that cannot be added). */
  onProblem?: (problem: string) => void;
}

/**
 * Server profiles, their secrets and the session of the selected one. Non-secret
 * profile data goes to the ProfileStore, secrets to the CredentialStore; removing a
 * profile or changing its URL removes its secrets, because they belong to that server.
 */
export class ConnectionService {
  private readonly options: ConnectionServiceOptions;
  private session: { profileId: string; session: ServerSession } | null = null;

  constructor(options: ConnectionServiceOptions) {
    this.options = options;
  }

  async list(): Promise<ConnectionList> {
    const { profiles, credentials } = this.options;
    const views = await Promise.all(profiles.list().map(async (profile) => this.view(profile, await credentials.kinds(profile.id).catch(() => []))));
    return { profiles: views, activeId: profiles.activeId() };
  }

  async add(input: NewConnection): Promise<ConnectionProfile> {
    const profile: StoredProfile = {
      id: (this.options.createId ?? randomUUID)(),
      name: input.name.trim(),
      url: normalizeServerUrl(input.url),
      tls: input.tls ?? {},
      username: null,
    };
    this.options.profiles.put(profile);
    await this.listChanged();
    return this.view(profile, []);
  }

  async update(input: ConnectionUpdate): Promise<ConnectionProfile> {
    const current = this.require(input.id);
    const url = input.url === undefined ? current.url : normalizeServerUrl(input.url);
    const serverChanged = url !== current.url || (input.tls !== undefined && input.tls.caCertificate !== current.tls.caCertificate);
    const next: StoredProfile = { ...current, name: input.name?.trim() ?? current.name, url, tls: input.tls ?? current.tls };
    // Refused before the old server's secrets go: a change that cannot be saved changes nothing.
    assertStorable(next);
    if (serverChanged) {
      // Tokens and keys were issued by the old server; a new URL must not receive them.
      await this.options.credentials.deleteAll(current.id);
      this.dropSession(current.id);
    }
    this.options.profiles.put(next);
    await this.listChanged();
    if (serverChanged && this.options.profiles.activeId() === current.id) this.authChanged();
    // The change is made: a keychain that will not list what it holds must not make it look failed.
    return this.view(next, await this.options.credentials.kinds(next.id).catch(() => []));
  }

  async remove(id: string): Promise<null> {
    this.require(id);
    const wasActive = this.options.profiles.activeId() === id;
    if (this.session?.profileId === id) await this.session.session.logout().catch(() => undefined);
    this.dropSession(id);
    await this.options.credentials.deleteAll(id);
    this.options.profiles.remove(id);
    await this.listChanged();
    if (wasActive) this.authChanged();
    return null;
  }

  async test(request: { id: string } | { url: string; tls?: TlsOptions }): Promise<ConnectionTestResult> {
    if ('id' in request) {
      const profile = this.require(request.id);
      return this.options.probe(profile.url, profile.tls);
    }
    return this.options.probe(normalizeServerUrl(request.url), request.tls ?? {});
  }

  /** Makes the profile active and picks up its stored session, if any. */
  async select(id: string): Promise<AuthStatus> {
    const profile = this.require(id);
    this.options.profiles.setActive(id);
    await this.listChanged();
    const session = this.sessionOf(profile);
    await session.resume(profile.username);
    // Another profile's session may be in the same state as the last one: say so anyway.
    this.authChanged();
    return this.authStatus();
  }

  /**
   * A server the app was started for (`npm start` passes the local one): added as a profile
   * unless one already points there, and selected when nothing else is.
   */
  async adoptDefaultServer(rawUrl: string, name: string): Promise<void> {
    const url = normalizeServerUrl(rawUrl);
    const existing = this.options.profiles.list().find((profile) => profile.url === url);
    const id = existing?.id ?? (await this.add({ name, url })).id;
    if (this.options.profiles.activeId() === null) {
      this.options.profiles.setActive(id);
      await this.listChanged();
    }
  }

  /**
   * At start-up: adopt the server the app was started for, if any, then resume the active
   * profile's session, quietly when offline. A default server that cannot be added (not a
   * URL) is reported and skipped: it must not keep the stored session from resuming.
   */
  async start(defaultServer?: { url: string; name: string }): Promise<AuthStatus> {
    if (defaultServer) {
      try {
        await this.adoptDefaultServer(defaultServer.url, defaultServer.name);
      } catch (error) {
        const reason = error instanceof AppError ? error.message : 'it could not be saved';
        this.options.onProblem?.(`SMARTCLOUDOPS_DEFAULT_SERVER (${defaultServer.url}) was not added: ${reason}`);
      }
    }
    const id = this.options.profiles.activeId();
    if (id && this.options.profiles.get(id)) return this.select(id);
    return this.authStatus();
  }

  async login(request: DesktopLoginRequest): Promise<AuthStatus> {
    const profile = this.require(request.profileId);
    if (this.options.profiles.activeId() !== profile.id) {
      this.options.profiles.setActive(profile.id);
      await this.listChanged();
    }
    const session = this.sessionOf(profile);
    if (request.method === 'apiKey') {
      await session.loginWithApiKey(request.apiKey);
    } else {
      await session.loginWithPassword(request.username, request.password, request.rememberPassword ?? false);
      this.options.profiles.put({ ...profile, username: request.username });
    }
    await this.listChanged();
    return this.authStatus();
  }

  async logout(): Promise<AuthStatus> {
    if (this.session) await this.session.session.logout();
    await this.listChanged();
    return this.authStatus();
  }

  /** A profile's name as its owner gave it (notices name the server so). */
  profileName(id: string): string | undefined {
    return this.options.profiles.get(id)?.name;
  }

  authStatus(): AuthStatus {
    const activeId = this.options.profiles.activeId();
    if (!activeId) return { profileId: null, state: 'no-profile', method: null, user: null };
    const status = this.session?.profileId === activeId ? this.session.session.status() : { state: 'signed-out' as const, method: null, user: null };
    return { profileId: activeId, ...status };
  }

  /** The selected profile's session, for API calls and the event stream. */
  activeSession(): ServerSession {
    const activeId = this.options.profiles.activeId();
    if (!activeId) throw new AppError('E_AUTH_REQUIRED', 'No server is selected.');
    return this.sessionOf(this.require(activeId));
  }

  private sessionOf(profile: StoredProfile): ServerSession {
    if (this.session?.profileId !== profile.id) {
      const session = this.options.createSession(profile, () => {
        if (this.session?.session === session) this.authChanged();
      });
      this.session = { profileId: profile.id, session };
    }
    return this.session.session;
  }

  private dropSession(id: string): void {
    if (this.session?.profileId === id) this.session = null;
  }

  private require(id: string): StoredProfile {
    const profile = this.options.profiles.get(id);
    if (!profile) throw new AppError('E_NOT_FOUND', 'No such connection.');
    return profile;
  }

  private view(profile: StoredProfile, storedSecrets: ConnectionProfile['storedSecrets']): ConnectionProfile {
    return { id: profile.id, name: profile.name, url: profile.url, tls: profile.tls, username: profile.username, storedSecrets };
  }

  private async listChanged(): Promise<void> {
    if (this.options.onListChanged) this.options.onListChanged(await this.list());
  }

  private authChanged(): void {
    this.options.onAuthChanged?.(this.authStatus());
  }
}
