import { Spotlight, type SpotlightActionData, type SpotlightActionGroupData } from '@mantine/spotlight';
import { IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { navigate } from '../lib/router.ts';
import type { AppRoute } from './routes.tsx';
import { usePaletteEntries } from './palette-entries.ts';
import { usePaletteSearch } from './palette-search.ts';

/**
 * The command palette (mod+K or /): go anywhere, find a host, series, alert or incident
 * by name, label or number. Entries come from what the console already has in its query
 * cache, so the palette opens instantly and works offline; alerts and incidents are also
 * searched on the server as you type, and its answer replaces the cached ones.
 */
export function CommandPalette({ routes, commands }: { routes: AppRoute[]; commands: SpotlightActionData[] }) {
  const cachedEntries = usePaletteEntries();
  const [query, setQuery] = useState('');
  const searched = usePaletteSearch(query);
  const entries = useMemo(() => {
    if (!searched) return cachedEntries;
    const fromServer = new Set(searched.map((group) => group.group));
    return [...cachedEntries.filter((group) => !fromServer.has(group.group)), ...searched];
  }, [cachedEntries, searched]);
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
      query={query}
      onQueryChange={setQuery}
      // The palette is a dialog: it needs a name (axe aria-dialog-name).
      attributes={{ content: { 'aria-label': 'Command palette' } }}
      shortcut={['mod + K', '/']}
      nothingFound="Nothing matches"
      highlightQuery
      // An incident or alert named without a space to break at (a long alertname, a cloud
      // host) was cut off at the palette's edge on a phone: names break anywhere instead.
      classNames={{ actionLabel: 'sco-wrap-anywhere', actionDescription: 'sco-wrap-anywhere' }}
      limit={40}
      scrollable
      maxHeight={420}
      searchProps={{ leftSection: <IconSearch size={18} />, placeholder: 'Go to a page, host, series, alert or incident (#number)…', 'aria-label': 'Command palette search' }}
    />
  );
}
