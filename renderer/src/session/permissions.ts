import { hasPermission, type Permission } from '../../../shared/auth/permissions.ts';
import { useCurrentUser } from './SessionProvider.tsx';

/** Hides what the user's role cannot do (the server refuses it anyway). */
export function useCan(permission: Permission): boolean {
  const user = useCurrentUser();
  return user ? hasPermission(user.role, permission) : false;
}
