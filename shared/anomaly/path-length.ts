const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n) of Liu, Ting and Zhou: the average path length of an unsuccessful search in a
 * binary search tree of n points, used to normalise path lengths and to credit the
 * unbuilt subtree below a leaf that still holds n points.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** Depth limit of the paper: ceil(log2(psi)), the average tree height for psi points. */
export function depthLimit(sampleSize: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(2, sampleSize))));
}
