import { describe, expect, it } from 'vitest';
import { rendezvousOwner } from './rendezvous.ts';

const keys = Array.from({ length: 3_000 }, (_, i) => String(i + 1));
const owners = (members: string[]) => new Map(keys.map((key) => [key, rendezvousOwner(key, members)!]));

describe('rendezvous hashing of work over replicas', () => {
  it('gives every replica the same owner for a key, whatever order it lists the members in', () => {
    const members = ['pod-a-1f2e', 'pod-b-9c0d', 'pod-c-77aa'];
    const forward = owners(members);
    const reversed = owners([...members].reverse());
    expect([...forward]).toEqual([...reversed]);
    expect(rendezvousOwner('1', [])).toBeUndefined();
    expect(rendezvousOwner('1', ['only'])).toBe('only');
  });

  it('shares keys out about evenly', () => {
    const members = ['r1', 'r2', 'r3', 'r4'];
    const counts = new Map<string, number>();
    for (const owner of owners(members).values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(members);
    // 750 expected each; a binomial spread of ±4 standard deviations is about ±95.
    for (const count of counts.values()) expect(Math.abs(count - keys.length / members.length)).toBeLessThan(120);
  });

  it('moves only the leaving replica\'s keys when one leaves, and only about 1/n when one joins', () => {
    const before = owners(['r1', 'r2', 'r3']);
    const after = owners(['r1', 'r3']);
    for (const key of keys) {
      if (before.get(key) !== 'r2') expect(after.get(key)).toBe(before.get(key));
      else expect(['r1', 'r3']).toContain(after.get(key));
    }
    const joined = owners(['r1', 'r2', 'r3', 'r4']);
    const moved = keys.filter((key) => joined.get(key) !== before.get(key));
    expect(moved.every((key) => joined.get(key) === 'r4')).toBe(true);
    expect(Math.abs(moved.length - keys.length / 4)).toBeLessThan(120);
  });
});
