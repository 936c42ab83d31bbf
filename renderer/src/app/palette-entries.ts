import { useQueryClient } from '@tanstack/react-query';
import type { SpotlightActionGroupData } from '@mantine/spotlight';
import { useSyncExternalStore } from 'react';
import { paletteGroupsFromCache } from './palette-from-cache.ts';

/** Palette entries derived from the query cache, refreshed when the cache changes. */
export function usePaletteEntries(): SpotlightActionGroupData[] {
  const queryClient = useQueryClient();
  const cache = queryClient.getQueryCache();
  const version = useSyncExternalStore(
    (onChange) => cache.subscribe((event) => event.type === 'updated' && event.action.type === 'success' && onChange()),
    () => cache.getAll().reduce((sum, query) => sum + query.state.dataUpdateCount, 0),
  );
  return paletteGroupsFromCache(queryClient, version);
}
