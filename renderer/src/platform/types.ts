import type { ApiClient } from '../../../shared/api/client.ts';
import type { User } from '../../../shared/api/auth.ts';
import type { SequencedStreamEvent } from '../../../shared/api/stream.ts';
import type { SmartCloudOpsBridge } from '../../../shared/ipc/bridge.ts';

/** How the live stream is doing, as the connection indicator shows it. */
export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LinkStatus {
  state: LinkState;
  /** Catalogue code of the last failure, when not live. */
  errorCode: string | null;
}

export interface StreamHandlers {
  onEvent(event: SequencedStreamEvent): void;
  /** The server could not replay what was missed: everything cached may be stale. */
  onReset(): void;
  onStatus(status: LinkStatus): void;
}

/** A signed-in session as the console sees it; never a secret. */
export type SessionSnapshot =
  | { state: 'signed-in'; user: User }
  | { state: 'signed-out' }
  /** Desktop: no server profile chosen yet. */
  | { state: 'no-profile' }
  /** Desktop: credentials stored, server unreachable (the console reads the cache). */
  | { state: 'unreachable'; user: User | null };

/**
 * What differs between the desktop window and the browser. Everything above this
 * interface (views, queries, the stream into the cache) is the same code in both.
 */
export interface Platform {
  kind: 'web' | 'desktop';
  api: ApiClient;
  /** The preload bridge, for desktop-only features (connections, cache, capsules). */
  bridge: SmartCloudOpsBridge | null;
  /** Resumes a stored session at start-up. */
  restoreSession(): Promise<SessionSnapshot>;
  signIn(username: string, password: string): Promise<SessionSnapshot>;
  signOut(): Promise<SessionSnapshot>;
  /** Changes one's own password (first run included) and continues with the new session. */
  changePassword(currentPassword: string, newPassword: string): Promise<SessionSnapshot>;
  /** Called when the session ends on its own (refresh refused, signed out elsewhere). */
  onSessionChange(listener: (session: SessionSnapshot) => void): () => void;
  openStream(handlers: StreamHandlers): () => void;
}
