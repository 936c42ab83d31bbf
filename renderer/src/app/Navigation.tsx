import { NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import type { AppRoute } from './routes.tsx';

const GROUPS: AppRoute['group'][] = ['Operate', 'Admin', 'App'];

export function Navigation({ routes, activePath, onNavigate }: { routes: AppRoute[]; activePath: string; onNavigate: () => void }) {
  return (
    <ScrollArea component="nav" aria-label="Main" style={{ flex: 1 }}>
      <Stack gap="md">
        {GROUPS.map((group) => {
          const items = routes.filter((route) => route.group === group && !route.hidden);
          if (items.length === 0) return null;
          return (
            <div key={group}>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mb={4}>{group}</Text>
              {items.map((route) => {
                const active = route.path === '/' ? activePath === '/' : activePath === route.path || activePath.startsWith(`${route.path}/`);
                return (
                  <NavLink
                    key={route.path}
                    href={`#${route.path}`}
                    label={route.label}
                    leftSection={route.icon}
                    rightSection={route.badge ? <route.badge /> : undefined}
                    active={active}
                    aria-current={active ? 'page' : undefined}
                    onClick={onNavigate}
                  />
                );
              })}
            </div>
          );
        })}
      </Stack>
    </ScrollArea>
  );
}
