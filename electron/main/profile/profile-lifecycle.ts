import fs from 'node:fs';
import path from 'node:path';
import type { Alert } from '../../../shared/api/alerts.ts';
import type { RelayedStreamEvent } from '../../../shared/ipc/channels/stream.ts';
import { AlertWatch } from '../alerts/alert-watch.ts';
import { FiringAlerts } from '../alerts/firing-alerts.ts';
import { ConnectionService } from '../connections/connection-service.ts';
import { probeServer } from '../connections/probe-server.ts';
import { ProfileScoped } from '../connections/profile-scoped.ts';
import { ProfileStore } from '../connections/profile-store.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import { relayCacheEvents } from '../data/cache-handlers.ts';
import { DesktopData } from '../data/desktop-data.ts';
import { createServerAxios } from '../http/create-axios.ts';
import { ServerSession } from '../http/server-session.ts';
import type { SendEvent } from '../ipc/send-event.ts';
import type { ScoringClient } from '../scoring/scoring-client.ts';
import { sessionEventStream } from '../stream/session-event-stream.ts';
import { fanOutStream } from '../stream/stream-fanout.ts';
import { StreamRelay } from '../stream/stream-relay.ts';
import type { StreamSource } from '../sync/stream-source.ts';

export interface ProfileLifecycleOptions {
  paths: { connections: string; cacheFolder: string };
  credentials: CredentialStore;
  scoring: ScoringClient;
  send: SendEvent;
  /** The tray's number: firing, unsilenced alerts of the signed-in server. */
  onFiringCount: (count: number) => void;
  /** A critical alert started firing: the native notification. */
  onCritical: (alert: Alert) => void;
  /** Every live event of the session, for other watchers (the approvals notifier). */
  onEvent?: (event: RelayedStreamEvent) => void;
  /** The profile's server was found replaced (offline/server-replaced.ts): the notice. */
  onServerReplaced?: (profileId: string, movedIncidentIds: number[]) => void;
}

/**
 * The life of the selected server profile: its session, its ONE live stream (fanned out to
 * the window relay and the sync engine), its firing-alert watch and its local data
 * (cache, sync, offline reads, capsules), each started, switched and stopped as the
 * session changes.
 */
export class ProfileLifecycle {
  readonly connections: ConnectionService;
  readonly relay: StreamRelay;
  readonly alertWatch: AlertWatch;
  readonly profileData: ProfileScoped<{ data: DesktopData; close(): Promise<void> }>;
  readonly #options: ProfileLifecycleOptions;
  /** The one stream of a session; a new session (profile switch, URL change) gets a new one. */
  readonly #streams = new WeakMap<ServerSession, StreamSource>();
  /** The profile whose stream the relay follows; a switch of profile restarts it. */
  #streamingProfileId: string | null = null;

  constructor(options: ProfileLifecycleOptions) {
    this.#options = options;
    const { send, credentials, paths } = options;
    const firing = new FiringAlerts({ onCount: options.onFiringCount, onCritical: options.onCritical });
    this.alertWatch = new AlertWatch({ request: async (request) => this.connections.activeSession().request(request), firing });
    this.relay = new StreamRelay({ send, onEvent: (event) => {
        this.alertWatch.handle(event);
        options.onEvent?.(event);
      }, onOpen: () => void this.alertWatch.reload() });
    const profiles = new ProfileStore(paths.connections);
    this.connections = new ConnectionService({
      profiles,
      credentials,
      createSession: (profile, onChange) => new ServerSession({ profileId: profile.id, http: createServerAxios(profile.url, profile.tls), credentials, onChange }),
      probe: probeServer,
      onListChanged: (list) => {
        send('connections.changed', list);
        this.#forgetRemovedCaches(list.profiles.map((profile) => profile.id));
      },
      onAuthChanged: (status) => {
        send('auth.changed', status);
        this.#followSession(status.profileId, status.state);
        void this.#followData(status.profileId, status.state);
      },
      onProblem: (problem) => console.warn(`[connections] ${problem}`),
    });
    this.profileData = new ProfileScoped((profileId) => {
      const data = new DesktopData({
        cacheFile: path.join(paths.cacheFolder, `${profileId}.db`),
        capsuleCacheFile: path.join(paths.cacheFolder, 'capsules.db'),
        transport: async (request) => this.connections.activeSession().request(request),
        // Resolved per connection: the session object changes when the profile's URL does.
        stream: { connect: (lastEventId, handlers) => this.#sharedStream().connect(lastEventId, handlers) },
        scoring: options.scoring,
        onServerReplaced: (moved) => options.onServerReplaced?.(profileId, moved),
        // Another address is another server's data (connections.update edits it in place).
        serverUrl: () => profiles.get(profileId)?.url,
      });
      const stopRelaying = relayCacheEvents(data, send);
      return {
        data,
        async close() {
          stopRelaying();
          await data.close();
        },
      };
    });
  }

  async stop(): Promise<void> {
    this.relay.stop();
    await this.profileData.follow(null);
  }

  /** The active session's one live stream, shared by the relay and the sync engine. */
  #sharedStream(): StreamSource {
    const session = this.connections.activeSession();
    let stream = this.#streams.get(session);
    if (!stream) {
      stream = fanOutStream(sessionEventStream({ http: session.http, bearer: () => session.bearer() }));
      this.#streams.set(session, stream);
    }
    return stream;
  }

  #followSession(profileId: string | null, state: string): void {
    // Also while unreachable: the stream's reconnections are what notices the server is back.
    const wanted = state === 'signed-in' || state === 'unreachable' ? profileId : null;
    if (wanted === this.#streamingProfileId) return;
    this.#streamingProfileId = wanted;
    this.alertWatch.clear();
    if (wanted === null) this.relay.stop();
    else this.relay.start(this.#sharedStream());
  }

  async #followData(profileId: string | null, state: string): Promise<void> {
    await this.profileData.follow(profileId);
    // The same profile at an edited address: what the old address's server left must not answer for the new one.
    if (profileId !== null) {
      try {
        this.profileData.get().data.followServer();
      } catch {
        // No cache open (it failed to open: get() says why to the calls that need it).
      }
    }
    // Sync needs a session (it retries while unreachable); cached reads work signed out too.
    if (state === 'signed-in' || state === 'unreachable') this.profileData.startOnce(({ data }) => data.start());
  }

  /** A removed profile's cache goes with it, like its secrets. */
  #forgetRemovedCaches(profileIds: readonly string[]): void {
    const folder = this.#options.paths.cacheFolder;
    if (!fs.existsSync(folder)) return;
    for (const file of fs.readdirSync(folder)) {
      // Also the damaged files a cache set aside (`<id>.db.damaged-<ms>`, cache-database.ts)
      // and a marker of damage met while open (`<id>.db.damaged`, damage-watch.ts).
      const match = /^(.+)\.db(?:\.damaged(?:-\d+)?)?(?:-wal|-shm)?$/.exec(file);
      if (!match?.[1] || match[1] === 'capsules' || profileIds.includes(match[1])) continue;
      try {
        fs.rmSync(path.join(folder, file), { force: true });
      } catch {
        // Still open (Windows refuses to delete it): the next list change removes it.
      }
    }
  }
}
