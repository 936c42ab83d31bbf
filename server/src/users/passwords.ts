import argon2 from 'argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes) keeps a login near 50 ms on one core.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real verification, so a login for an unknown user takes as
 * long as one with a wrong password (no user enumeration by timing).
 */
export async function burnVerification(password: string): Promise<false> {
  dummyHash ??= hashPassword('smartcloudops-dummy-password');
  await verifyPassword(await dummyHash, password);
  return false;
}

export function validateNewPassword(password: string): string | null {
  if (password.length < 12) return 'must be at least 12 characters long';
  if (password.length > 1024) return 'must be at most 1024 characters long';
  return null;
}
