import crypto from 'node:crypto';
import type { UserStore } from '../users/store.ts';
import { hashPassword } from '../users/passwords.ts';

/**
 * First run: creates `admin`. With SMARTCLOUDOPS_ADMIN_PASSWORD it uses that password;
 * without, it generates a one-time password, returns it to be printed once, and forces a
 * change at first login. Returns null when users already exist.
 */
export async function bootstrapAdmin(users: UserStore, configured: string | undefined): Promise<{ oneTimePassword: string | null } | null> {
  if (users.count() > 0) return null;
  const oneTimePassword = configured ? null : crypto.randomBytes(12).toString('base64url');
  const password = configured ?? oneTimePassword!;
  users.create({ username: 'admin', passwordHash: await hashPassword(password), role: 'admin', mustChangePassword: oneTimePassword !== null });
  return { oneTimePassword };
}
