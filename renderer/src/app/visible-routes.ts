import { hasPermission, type Role } from '../../../shared/auth/permissions.ts';
import type { AppRoute } from './routes.tsx';

/** The routes a user of this role sees on this platform. */
export function visibleRoutes(routes: readonly AppRoute[], role: Role, kind: 'web' | 'desktop'): AppRoute[] {
  return routes.filter((route) => (!route.permission || hasPermission(role, route.permission)) && (!route.desktopOnly || kind === 'desktop'));
}
