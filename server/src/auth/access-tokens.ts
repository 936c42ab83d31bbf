import { SignJWT, jwtVerify, decodeProtectedHeader, errors } from 'jose';
import { LRUCache } from 'lru-cache';
import { AppError } from '../../../shared/errors.ts';
import { isRole, type Role } from '../../../shared/auth/permissions.ts';
import type { SigningKeyStore } from './signing-keys.ts';

export interface AccessClaims {
  userId: number;
  username: string;
  role: Role;
  mustChangePassword: boolean;
  /** The session (refresh-token family) the token belongs to; revoking it ends the token too. */
  sessionId: string;
}

const ALGORITHM = 'HS256';
const ISSUER = 'smartcloudops';
/** Verified tokens remembered at once (a few hundred bytes each): every signed-in client's current token. */
export const DEFAULT_VERIFIED_TOKEN_CACHE_ENTRIES = 10_000;

interface VerifiedToken {
  claims: AccessClaims;
  kid: string;
  /** `exp`, epoch ms: from then on the token is expired, cached or not. */
  expiresAtMs: number;
}

/** Short-lived access tokens (JWT, HS256, with `kid`). */
export class AccessTokens {
  readonly #keys: SigningKeyStore;
  readonly ttlSeconds: number;
  // Injectable, so tests expire tokens by moving a clock instead of sleeping.
  readonly #now: () => number;
  /**
   * Tokens whose signature was already checked, keyed by the whole token (so a token
   * differing in any byte is verified afresh). Checking the HMAC, decoding and validating
   * the claims cost ~0.7 ms of CPU per request, the larger part of a proxied query. Only
   * the signature check is remembered: expiry is checked on every use, a token whose
   * signing key was retired is verified again (and refused), and the session and user are
   * re-read by AuthService whenever the credential tables may have changed
   * (credential-state.ts), so revocation still applies at once.
   */
  readonly #verified: LRUCache<string, VerifiedToken> | undefined;

  constructor(keys: SigningKeyStore, ttlSeconds = 900, now: () => number = Date.now, verifiedCacheEntries = DEFAULT_VERIFIED_TOKEN_CACHE_ENTRIES) {
    this.#keys = keys;
    this.ttlSeconds = ttlSeconds;
    this.#now = now;
    this.#verified = verifiedCacheEntries > 0 ? new LRUCache({ max: verifiedCacheEntries }) : undefined;
  }

  /** How many verified tokens are remembered (bounded by the constructor's limit). */
  get verifiedCacheSize(): number {
    return this.#verified?.size ?? 0;
  }

  async issue(claims: AccessClaims): Promise<string> {
    const key = await this.#keys.current();
    const issuedAt = Math.floor(this.#now() / 1000);
    return new SignJWT({ role: claims.role, name: claims.username, pwc: claims.mustChangePassword, sid: claims.sessionId })
      .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setSubject(String(claims.userId))
      .setIssuer(ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(Buffer.from(key.secret, 'base64url'));
  }

  /** The clock tokens are checked against (epoch ms). */
  now(): number {
    return this.#now();
  }

  /** Verifies signature, algorithm, issuer and expiry; anything else is E_TOKEN_INVALID. */
  async verify(token: string): Promise<AccessClaims> {
    return (await this.verifyWithExpiry(token)).claims;
  }

  /** As `verify`, with the token's expiry (epoch ms), after which nothing may accept it. */
  async verifyWithExpiry(token: string): Promise<{ claims: AccessClaims; expiresAtMs: number }> {
    const known = this.#verified?.get(token);
    if (known) {
      if (known.expiresAtMs <= this.#now()) {
        this.#verified!.delete(token);
        throw new AppError('E_AUTH_EXPIRED');
      }
      if (await this.#keys.find(known.kid)) return known;
      this.#verified!.delete(token);
    }
    const verified = await this.#verifySignature(token);
    this.#verified?.set(token, verified);
    return verified;
  }

  async #verifySignature(token: string): Promise<VerifiedToken> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new AppError('E_TOKEN_INVALID');
    }
    const key = kid ? await this.#keys.find(kid) : undefined;
    if (!key) throw new AppError('E_TOKEN_INVALID');
    try {
      const { payload } = await jwtVerify(token, Buffer.from(key.secret, 'base64url'), { algorithms: [ALGORITHM], issuer: ISSUER, currentDate: new Date(this.#now()) });
      const userId = Number(payload.sub);
      if (!Number.isInteger(userId) || !isRole(payload.role) || typeof payload.name !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') throw new AppError('E_TOKEN_INVALID');
      const claims = { userId, username: payload.name, role: payload.role, mustChangePassword: payload.pwc === true, sessionId: payload.sid };
      return { claims, kid: key.kid, expiresAtMs: payload.exp * 1000 };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AppError('E_AUTH_EXPIRED');
      if (error instanceof AppError) throw error;
      throw new AppError('E_TOKEN_INVALID');
    }
  }
}
