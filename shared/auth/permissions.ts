/**
 * Roles and the one permission matrix. The server enforces it on every route (each route
 * declares the permission it needs), the renderer uses it to hide what a user cannot do.
 * Roles are ordered: viewer < operator < admin; each role has every permission of the ones
 * below it.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  // viewer
  'metrics:read',
  'anomalies:read',
  'alerts:read',
  'incidents:read',
  'stream:read',
  'runbooks:read',
  // operator
  'alerts:write',
  'silences:write',
  'incidents:write',
  'anomalies:write',
  'runbooks:run',
  'chatops:use',
  // admin
  'models:manage',
  'rules:manage',
  'webhooks:manage',
  'users:manage',
  'apikeys:manage',
  'audit:read',
  'metrics:write',
  'security:manage',
  'datasources:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ['metrics:read', 'anomalies:read', 'alerts:read', 'incidents:read', 'stream:read', 'runbooks:read'];
const OPERATOR: readonly Permission[] = [...VIEWER, 'alerts:write', 'silences:write', 'incidents:write', 'anomalies:write', 'runbooks:run', 'chatops:use'];
const ADMIN: readonly Permission[] = PERMISSIONS;

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: new Set(VIEWER),
  operator: new Set(OPERATOR),
  admin: new Set(ADMIN),
};

/**
 * What a route requires: a permission, or `authenticated` (any signed-in principal, for
 * example /auth/me), or `public` (health, login). Every route must declare one.
 */
export type RouteAccess = Permission | 'authenticated' | 'public';

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

/** A principal's effective permissions: its role's, narrowed by API key scopes if any. */
export function hasPermission(role: Role, permission: Permission, scopes?: readonly Permission[] | null): boolean {
  if (!ROLE_PERMISSIONS[role].has(permission)) return false;
  return scopes == null || scopes.includes(permission);
}
