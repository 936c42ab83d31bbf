import { describe, expect, it } from 'vitest';
import { SpikeTail } from './spike.ts';
import { createRandom } from './prng.ts';
import { tailProbability } from './likelihood.ts';

function gaussian(random: { next(): number }): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

describe('SpikeTail', () => {
  it('on Gaussian z-scores gives the Gaussian two-sided tail beyond 3σ within an order of magnitude (an exponential tail is heavier)', () => {
    const tail = new SpikeTail();
    const random = createRandom(3);
    for (let i = 0; i < 4_000; i++) tail.update(gaussian(random));
    const p4 = tail.tail(4);
    const exact = 2 * tailProbability(4);
    expect(p4).toBeGreaterThan(exact / 3);
    expect(p4).toBeLessThan(exact * 10);
    expect(tail.tail(2)).toBe(1);
    expect(tail.tail(6)).toBeLessThan(1e-5);
  });

  it('needs a larger z to call the same probability on a heavy-tailed metric', () => {
    const gaussianTail = new SpikeTail();
    const heavyTail = new SpikeTail();
    const random = createRandom(4);
    for (let i = 0; i < 4_000; i++) {
      gaussianTail.update(gaussian(random));
      // Student-t-like: a Gaussian over the root of a chi-square with 3 degrees of freedom.
      const chi = (gaussian(random) ** 2 + gaussian(random) ** 2 + gaussian(random) ** 2) / 3;
      heavyTail.update(gaussian(random) / Math.sqrt(chi));
    }
    expect(heavyTail.tail(5)).toBeGreaterThan(10 * gaussianTail.tail(5));
  });

  it('reports the probability of a value before learning from it', () => {
    const tail = new SpikeTail();
    const before = tail.tail(5);
    expect(tail.update(5)).toBe(before);
    expect(tail.tail(5)).toBeGreaterThan(before);
  });
});
