import { Badge } from '@mantine/core';
import type { Role } from '../../../shared/auth/permissions.ts';

const COLOR: Record<Role, string> = { viewer: 'gray', operator: 'blue', admin: 'grape' };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge color={COLOR[role]} variant="light">{role}</Badge>;
}
