import { AppError } from '../../../shared/errors.ts';
import { ROLE_PERMISSIONS, roleAtLeast, type Permission, type Role } from '../../../shared/auth/permissions.ts';
import { MAX_NON_ADMIN_KEY_LIFETIME_MS, type ApiKey, type CreateApiKeyRequest } from '../../../shared/api/api-keys.ts';
import type { Principal } from '../auth/principal.ts';
import type { ApiKeyStore } from './store.ts';
import { CredentialMemory, UNTRACKED, type CredentialState } from '../auth/credential-state.ts';

/** `last_used_at` is written at most this often per key, so that a busy key does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/** What a key gets when the request names no role. */
export const LEAST_ROLE: Role = 'viewer';

const lowerRole = (a: Role, b: Role): Role => (roleAtLeast(a, b) ? b : a);

/** Creation rules and authentication of API keys. */
export class ApiKeyService {
  readonly #keys: ApiKeyStore;
  readonly #now: () => number;
  /**
   * The principal of each key secret already checked, while the credential tables are
   * unchanged (credential-state.ts: any revocation, owner change or key write drops them
   * all) and at most until the key expires or its `last_used_at` is due again.
   */
  readonly #principals: CredentialMemory<Principal>;
  readonly #revokedListeners = new Set<(id: number) => void>();

  constructor(keys: ApiKeyStore, now: () => number = Date.now, credentials: CredentialState = UNTRACKED) {
    this.#keys = keys;
    this.#now = now;
    this.#principals = new CredentialMemory(credentials);
  }

  /** A key belongs to the user creating it; its role and scopes can never exceed theirs. */
  async create(creator: Principal, request: CreateApiKeyRequest): Promise<{ key: ApiKey; secret: string }> {
    // A key minting keys would outlive its own revocation; only signed-in users create keys.
    if (creator.kind !== 'user') throw new AppError('E_FORBIDDEN', 'API keys cannot create API keys; sign in as a user.');
    // The least privilege unless asked: a forgotten role must not mint an admin key.
    const role = request.role ?? LEAST_ROLE;
    if (!roleAtLeast(creator.role, role)) {
      throw new AppError('E_FORBIDDEN', `A key's role cannot exceed yours (${creator.role}).`, { role });
    }
    const scopes = request.scopes ?? null;
    const outside = (scopes ?? []).filter((scope) => !ROLE_PERMISSIONS[role].has(scope));
    if (outside.length > 0) {
      throw new AppError('E_VALIDATION', `Scopes outside the ${role} role: ${outside.join(', ')}.`, outside.map((scope) => ({ path: '/scopes', message: `${scope} is not a ${role} permission` })));
    }
    if (request.expiresAt !== undefined && request.expiresAt <= this.#now()) {
      throw new AppError('E_VALIDATION', 'expiresAt must be in the future.', [{ path: '/expiresAt', message: 'must be in the future' }]);
    }
    // Only admins may mint keys that never expire (integrations such as Alertmanager); anyone
    // else's key dies on its own, so a leaked one does not work forever.
    if (request.expiresAt === undefined && creator.role !== 'admin') {
      throw new AppError('E_VALIDATION', 'Your API keys need an expiry (expiresAt); only admins may create keys that never expire.', [{ path: '/expiresAt', message: 'required for non-admins' }]);
    }
    // An expiry in the year 275760 is no expiry: a non-admin's key lives a year at most.
    if (request.expiresAt !== undefined && creator.role !== 'admin' && request.expiresAt > this.#now() + MAX_NON_ADMIN_KEY_LIFETIME_MS) {
      throw new AppError('E_VALIDATION', 'Your API keys may live a year at most (expiresAt); only admins may create longer-lived keys.', [{ path: '/expiresAt', message: 'at most 366 days ahead for non-admins' }]);
    }
    return this.#keys.create({ name: request.name, ownerId: creator.userId, role, scopes, expiresAt: request.expiresAt ?? null });
  }

  /**
   * Keys the principal may see: all with `apikeys:manage`; else a signed-in user's own, and
   * an API key only itself. A key is not its owner: one scoped to `metrics:read` (a
   * wallboard's) listed and revoked every key of its owner, the never-expiring integration
   * keys included.
   */
  async visibleTo(principal: Principal, canManageAll: boolean): Promise<ApiKey[]> {
    if (canManageAll) return this.#keys.list();
    const own = await this.#keys.list(principal.userId);
    return principal.kind === 'apiKey' ? own.filter((key) => key.id === principal.apiKeyId) : own;
  }

  /** Revokes a key the principal may see (`visibleTo`); others look absent. */
  async revoke(principal: Principal, id: number, canManageAll: boolean): Promise<ApiKey> {
    const key = await this.#keys.byId(id);
    const mine = principal.kind === 'apiKey' ? id === principal.apiKeyId : key?.ownerId === principal.userId;
    if (!key || (!canManageAll && !mine)) throw new AppError('E_NOT_FOUND', 'No such API key.');
    await this.#keys.revoke(id);
    for (const listener of this.#revokedListeners) listener(id);
    return (await this.#keys.byId(id))!;
  }

  /** Called after a key is revoked here (open event streams opened with it end). Returns unsubscribe. */
  onRevoked(listener: (id: number) => void): () => void {
    this.#revokedListeners.add(listener);
    return () => this.#revokedListeners.delete(listener);
  }

  /**
   * Whether key `id` still authenticates (unrevoked, unexpired, its owner present and
   * enabled), read afresh: what an event stream opened with it is checked against.
   */
  async isLive(id: number): Promise<boolean> {
    const found = await this.#keys.byIdWithOwner(id);
    if (!found || found.key.revokedAt !== null || found.owner.disabled) return false;
    return found.key.expiresAt === null || found.key.expiresAt > this.#now();
  }

  /**
   * Secret -> principal. The key and its owner are read from the database (in one join): a
   * disabled owner disables their keys, and a demoted owner's keys drop to the owner's new
   * role. Remembered between reads only where every change to the tables is seen at once
   * (SQLite, single node); on PostgreSQL read on every request, as other replicas revoke.
   */
  authenticate(secret: string): Principal | Promise<Principal> {
    return this.#principals.get(secret, this.#now()) ?? this.#authenticate(secret);
  }

  async #authenticate(secret: string): Promise<Principal> {
    // Taken before the read: a change while it runs leaves nothing remembered.
    const generation = this.#principals.generation;
    const found = await this.#keys.bySecret(secret);
    const now = this.#now();
    if (!found || found.key.revokedAt !== null) throw new AppError('E_TOKEN_INVALID');
    const { key, owner } = found;
    if (key.expiresAt !== null && key.expiresAt <= now) throw new AppError('E_TOKEN_INVALID', 'The API key has expired.');
    if (owner.disabled) throw new AppError('E_TOKEN_INVALID');
    const touch = key.lastUsedAt === null || now - key.lastUsedAt >= TOUCH_INTERVAL_MS;
    if (touch) await this.#keys.touch(key.id, now);
    const principal: Principal = {
      kind: 'apiKey',
      userId: key.ownerId,
      name: key.name,
      role: lowerRole(key.role, owner.role),
      scopes: key.scopes as Permission[] | null,
      // A key cannot change a password, so a pending change must not lock its owner's scripts out.
      mustChangePassword: false,
      apiKeyId: key.id,
    };
    // A touch wrote the table, so it is remembered from the next read on; until then the
    // next touch is due at lastUsedAt + the interval, and the key's expiry bounds it anyway.
    if (!touch) this.#principals.remember(secret, principal, generation, Math.min(key.lastUsedAt! + TOUCH_INTERVAL_MS, key.expiresAt ?? Infinity));
    return principal;
  }
}
