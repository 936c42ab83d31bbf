import { createHash } from 'node:crypto';

/**
 * Rendezvous (highest-random-weight) hashing: every replica, knowing the same live members,
 * picks the same owner for a piece of work without talking to the others. When a member
 * leaves, only the work it owned moves (each piece to the member with its next-highest
 * weight); when one joins, it takes about 1/n of the work from the others and nothing else moves.
 */
export function rendezvousOwner(key: string, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1n;
  for (const member of members) {
    const weight = createHash('sha256').update(member).update('\0').update(key).digest().readBigUInt64BE(0);
    // Ties (practically impossible with 64-bit weights) go to the smaller name, the same on every replica.
    if (weight > bestWeight || (weight === bestWeight && best !== undefined && member < best)) {
      best = member;
      bestWeight = weight;
    }
  }
  return best;
}
