import { Spotlight, type SpotlightActionData, type SpotlightActionGroupData } from '@mantine/spotlight';
import { IconSearch } from '@tabler/icons-react';
import { useMemo } from 'react';
import { navigate } from '../lib/router.ts';
import type { AppRoute } from './routes.tsx';
import { usePaletteEntries } from './palette-entries.ts';

/**
 * The command palette (mod+K or /): go anywhere, find a host, series, alert or incident
 * by name. Entries come from what the console already has in its query cache, so the
 * palette opens instantly and works offline.
 */
export function CommandPalette({ routes, commands }: { routes: AppRoute[]; commands: SpotlightActionData[] }) {
  const entries = usePaletteEntries();
  const actions = useMemo<SpotlightActionGroupData[]>(() => {
    const pages: SpotlightActionData[] = routes
      .filter((route) => !route.hidden)
      .map((route) => ({
        id: `go:${route.path}`,
        label: `Go to ${route.label}`,
        keywords: route.keywords ?? [],
        leftSection: route.icon,
        onClick: () => navigate(route.path),
      }));
    return [
      { group: 'Pages', actions: pages },
      ...entries.filter((group) => group.actions.length > 0),
      { group: 'Commands', actions: commands },
    ];
  }, [routes, entries, commands]);

  return (
    <Spotlight
      actions={actions}
      shortcut={['mod + K', '/']}
      nothingFound="Nothing matches"
      highlightQuery
      limit={40}
      scrollable
      maxHeight={420}
      searchProps={{ leftSection: <IconSearch size={18} />, placeholder: 'Go to a page, host, series, alert or incident…', 'aria-label': 'Command palette search' }}
    />
  );
}
