import type { QueryClient } from '@tanstack/react-query';
import type { SpotlightActionGroupData } from '@mantine/spotlight';
import { PALETTE_SOURCES } from './palette-sources.ts';

let memo: { version: number; groups: SpotlightActionGroupData[] } | null = null;

/** Rebuilt only when some query's data changed (the version counts data updates). */
export function paletteGroupsFromCache(queryClient: QueryClient, version: number): SpotlightActionGroupData[] {
  if (memo?.version === version) return memo.groups;
  const groups = PALETTE_SOURCES.map((source) => source(queryClient));
  memo = { version, groups };
  return groups;
}
