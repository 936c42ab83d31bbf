import type { Role } from '../../../shared/auth/permissions.ts';
import { matchPath } from '../lib/router.ts';
import type { AppRoute } from './routes.tsx';

/**
 * What the console says at an address it shows no page for: a page of the desktop app
 * opened in a browser (a link shared from the desktop), a page the user's role may not open,
 * or no page at all. "No page, or your role cannot open it" left the user guessing which.
 */
export function missingPage(routes: readonly AppRoute[], path: string, role: Role, kind: 'web' | 'desktop'): { title: string; description: string } {
  const route = routes.find((candidate) => matchPath(candidate.path, path) !== null);
  if (!route) return { title: 'Nothing here', description: `No page at ${path}.` };
  if (route.desktopOnly && kind !== 'desktop') {
    return { title: 'In the desktop app', description: `${route.label} is part of the SmartCloudOps desktop app: what it shows is kept on your machine, not on the server. Open it there.` };
  }
  return { title: 'Not for your role', description: `${route.label} needs the ${route.permission ?? 'right'} permission, which the ${role} role does not have. An admin can change your role.` };
}
