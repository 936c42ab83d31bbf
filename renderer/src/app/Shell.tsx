import { ActionIcon, AppShell, Avatar, Box, Burger, Button, Group, Kbd, Menu, Modal, Text, Tooltip, UnstyledButton, useComputedColorScheme, useMantineColorScheme, useMatches } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { spotlight, type SpotlightActionData } from '@mantine/spotlight';
import { IconKey, IconLogout, IconMoon, IconSearch, IconSun, IconUserCircle } from '@tabler/icons-react';
import { Suspense, useCallback, useMemo } from 'react';
import { useSession } from '../session/SessionProvider.tsx';
import { usePlatform } from '../platform/PlatformContext.tsx';
import type { User } from '../../../shared/api/auth.ts';
import { Logo } from '../components/Logo.tsx';
import { LiveIndicator } from './LiveIndicator.tsx';
import { SyncProgress } from './SyncProgress.tsx';
import { Navigation } from './Navigation.tsx';
import { CommandPalette } from './CommandPalette.tsx';
import { ROUTES } from './routes.tsx';
import { visibleRoutes } from './visible-routes.ts';
import { missingPage } from './missing-page.ts';
import { matchPath, useLocation } from '../lib/router.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { useDeepLinks } from './useDeepLinks.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { Loading } from '../components/Loading.tsx';
import { ChatPanel } from '../features/chatops/ChatPanel.tsx';
import { CHAT_BUTTON_CLEARANCE, ChatButton } from '../features/chatops/ChatButton.tsx';
import { usePhoneLayout } from '../components/responsive/use-compact.ts';
import { AlertDrawer } from '../features/alerts/AlertDrawer.tsx';
import { ChangePasswordForm } from '../features/auth/ChangePasswordForm.tsx';
import { notifySuccess } from '../components/notify.ts';

/** The page's content, where "Skip to content" moves the focus. */
const MAIN_ID = 'main-content';

export function Shell({ user }: { user: User }) {
  const platform = usePlatform();
  const { signOut } = useSession();
  const [navOpen, nav] = useDisclosure(false);
  // Below `sm` the closed navigation only slides out of view: its links would stay in the tab
  // order (focus vanishing off screen) and in the accessibility tree. `inert` takes them out.
  const navHidden = useMatches({ base: !navOpen, sm: false });
  const [passwordOpen, passwordDialog] = useDisclosure(false);
  const [chatOpen, chat] = useDisclosure(false);
  // On a phone the ChatOps button is one of the header's, not floating over the content.
  const chatInHeader = usePhoneLayout();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const { path } = useLocation();
  useDeepLinks();
  const routes = useMemo(() => visibleRoutes(ROUTES, user.role, platform.kind), [user.role, platform.kind]);

  const current = routes.map((route) => ({ route, params: matchPath(route.path, path) })).find((entry) => entry.params !== null);
  const initials = user.username.slice(0, 2).toUpperCase();
  const toggleScheme = useCallback(() => setColorScheme(scheme === 'dark' ? 'light' : 'dark'), [scheme, setColorScheme]);
  const commands = useMemo<SpotlightActionData[]>(
    () => [
      { id: 'cmd:theme', label: 'Switch light / dark theme', leftSection: <IconMoon size={18} />, onClick: toggleScheme },
      { id: 'cmd:signout', label: 'Sign out', leftSection: <IconLogout size={18} />, onClick: () => void signOut() },
    ],
    [toggleScheme, signOut],
  );

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !navOpen } }} padding="md">
      {/* First Tab stop, shown only while focused: past the header and the 24 navigation
          links to the page. A button, not a "#main" link: the hash is the router's. */}
      <Button className="sco-skip-link" size="xs" onClick={() => document.getElementById(MAIN_ID)?.focus()}>Skip to content</Button>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpen} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            {/* Under 576 px the header's room goes to its controls and the live state
                ("Reconnecting" whole); the burger starts the row. */}
            <Box visibleFrom="xs"><Logo /></Box>
          </Group>
          <UnstyledButton onClick={() => spotlight.open()} visibleFrom="sm">
            <Group gap={8} px="sm" py={6} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)', minWidth: 260 }}>
              <IconSearch size={16} aria-hidden />
              <Text size="sm" c="dimmed" style={{ flex: 1 }}>Search or jump to…</Text>
              <Kbd size="xs">/</Kbd>
            </Group>
          </UnstyledButton>
          <Group gap="xs" wrap="nowrap">
            <ActionIcon variant="default" size="lg" onClick={() => spotlight.open()} hiddenFrom="sm" aria-label="Search or jump to">
              <IconSearch size={18} />
            </ActionIcon>
            {chatInHeader && <ChatButton inHeader onClick={chat.toggle} />}
            <SyncProgress />
            <LiveIndicator />
            <Tooltip label={scheme === 'dark' ? 'Light theme' : 'Dark theme'}>
              <ActionIcon variant="default" size="lg" onClick={toggleScheme} aria-label="Switch light / dark theme">
                {scheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
              </ActionIcon>
            </Tooltip>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={`${initials}: account menu of ${user.username}`}>
                  <Avatar size={32} radius="xl" color="signal">{initials}</Avatar>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {user.username} · {user.role}
                </Menu.Label>
                <Menu.Item leftSection={<IconUserCircle size={16} />} component="a" href="#/settings">Settings</Menu.Item>
                <Menu.Item leftSection={<IconKey size={16} />} onClick={passwordDialog.open}>Change password</Menu.Item>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>Sign out</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" inert={navHidden}>
        <Navigation routes={routes} activePath={path} onNavigate={nav.close} />
      </AppShell.Navbar>
      <AppShell.Main id={MAIN_ID} tabIndex={-1} className="sco-main" style={chatInHeader ? undefined : { paddingBottom: `calc(var(--app-shell-padding) + ${CHAT_BUTTON_CLEARANCE})` }}>
        <ErrorBoundary key={path}>
          {current ? (
            <Suspense fallback={<Loading label="Loading view" />}>
              <current.route.component params={current.params ?? {}} />
            </Suspense>
          ) : (
            <EmptyState {...missingPage(ROUTES, path, user.role, platform.kind)} />
          )}
        </ErrorBoundary>
      </AppShell.Main>
      <CommandPalette routes={routes} commands={commands} />
      {!chatInHeader && <ChatButton inHeader={false} onClick={chat.toggle} />}
      <ChatPanel opened={chatOpen} onToggle={chat.toggle} onClose={chat.close} />
      <AlertDrawer />
      <Modal opened={passwordOpen} onClose={passwordDialog.close} title="Change password">
        <ChangePasswordForm submitLabel="Change password" onChanged={() => { passwordDialog.close(); notifySuccess('Password changed; your other sessions are signed out'); }} />
      </Modal>
    </AppShell>
  );
}
