import { SignJWT, jwtVerify, decodeProtectedHeader, errors } from 'jose';
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

/** Short-lived access tokens (JWT, HS256, with `kid`). */
export class AccessTokens {
  readonly #keys: SigningKeyStore;
  readonly ttlSeconds: number;
  // Injectable, so tests expire tokens by moving a clock instead of sleeping.
  readonly #now: () => number;

  constructor(keys: SigningKeyStore, ttlSeconds = 900, now: () => number = Date.now) {
    this.#keys = keys;
    this.ttlSeconds = ttlSeconds;
    this.#now = now;
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

  /** Verifies signature, algorithm, issuer and expiry; anything else is E_TOKEN_INVALID. */
  async verify(token: string): Promise<AccessClaims> {
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
      if (!Number.isInteger(userId) || !isRole(payload.role) || typeof payload.name !== 'string' || typeof payload.sid !== 'string') throw new AppError('E_TOKEN_INVALID');
      return { userId, username: payload.name, role: payload.role, mustChangePassword: payload.pwc === true, sessionId: payload.sid };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AppError('E_AUTH_EXPIRED');
      if (error instanceof AppError) throw error;
      throw new AppError('E_TOKEN_INVALID');
    }
  }
}
