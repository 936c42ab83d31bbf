import crypto from 'node:crypto';
import type { UserRepository } from '../users/repository.ts';
import { hashPassword } from '../users/passwords.ts';

/**
 * First run: creates `admin`. With SMARTCLOUDOPS_ADMIN_PASSWORD it uses that password;
 * without, it generates a one-time password, returns it to be printed once, and forces a
 * change at first login. Returns null when users already exist, or when another replica
 * starting at the same time created `admin` first (its password is the one printed there).
 */
export async function bootstrapAdmin(users: UserRepository, configured: string | undefined): Promise<{ oneTimePassword: string | null } | null> {
  if ((await users.count()) > 0) return null;
  const oneTimePassword = configured ? null : crypto.randomBytes(12).toString('base64url');
  const password = configured ?? oneTimePassword!;
  const created = await users.createIfAbsent({ username: 'admin', passwordHash: await hashPassword(password), role: 'admin', mustChangePassword: oneTimePassword !== null });
  return created ? { oneTimePassword } : null;
}
