import type { ComponentType, ReactNode } from 'react';
import {
  IconAlertTriangle,
  IconBellOff,
  IconChartLine,
  IconFileSearch,
  IconFlame,
  IconGauge,
  IconKey,
  IconPlugConnected,
  IconSettings,
  IconSparkles,
  IconUsers,
} from '@tabler/icons-react';
import type { Permission } from '../../../shared/auth/permissions.ts';
import { OverviewView } from '../features/overview/OverviewView.tsx';
import { MetricsView } from '../features/metrics/MetricsView.tsx';
import { AnomaliesView } from '../features/anomalies/AnomaliesView.tsx';
import { AlertsView } from '../features/alerts/AlertsView.tsx';
import { SilencesView } from '../features/alerts/SilencesView.tsx';
import { IncidentsView } from '../features/incidents/IncidentsView.tsx';
import { IncidentDetailView } from '../features/incidents/IncidentDetailView.tsx';
import { UsersView } from '../features/admin/UsersView.tsx';
import { ApiKeysView } from '../features/admin/ApiKeysView.tsx';
import { AuditView } from '../features/admin/AuditView.tsx';
import { ConnectionsView } from '../features/connections/ConnectionsView.tsx';
import { SettingsView } from '../features/settings/SettingsView.tsx';

export interface RouteParams {
  params: Record<string, string>;
}

export interface AppRoute {
  path: string;
  label: string;
  icon: ReactNode;
  group: 'Operate' | 'Admin' | 'App';
  component: ComponentType<RouteParams>;
  /** Hidden from users whose role lacks it. */
  permission?: Permission;
  desktopOnly?: boolean;
  /** Detail pages are reached from their list, not from the navigation. */
  hidden?: boolean;
  /** Words the command palette also matches. */
  keywords?: string[];
}

export const ROUTES: readonly AppRoute[] = [
  { path: '/', label: 'Overview', icon: <IconGauge size={18} />, group: 'Operate', component: OverviewView, keywords: ['home', 'fleet', 'health'] },
  { path: '/metrics', label: 'Metrics', icon: <IconChartLine size={18} />, group: 'Operate', component: MetricsView, permission: 'metrics:read', keywords: ['explorer', 'series', 'chart'] },
  { path: '/anomalies', label: 'Anomalies', icon: <IconSparkles size={18} />, group: 'Operate', component: AnomaliesView, permission: 'anomalies:read' },
  { path: '/alerts', label: 'Alerts', icon: <IconAlertTriangle size={18} />, group: 'Operate', component: AlertsView, permission: 'alerts:read', keywords: ['firing', 'acknowledge'] },
  { path: '/silences', label: 'Silences', icon: <IconBellOff size={18} />, group: 'Operate', component: SilencesView, permission: 'alerts:read', keywords: ['mute'] },
  { path: '/incidents', label: 'Incidents', icon: <IconFlame size={18} />, group: 'Operate', component: IncidentsView, permission: 'incidents:read', keywords: ['postmortem'] },
  { path: '/incidents/:id', label: 'Incident', icon: <IconFlame size={18} />, group: 'Operate', component: IncidentDetailView, permission: 'incidents:read', hidden: true },
  { path: '/admin/users', label: 'Users', icon: <IconUsers size={18} />, group: 'Admin', component: UsersView, permission: 'users:manage', keywords: ['roles', 'accounts'] },
  { path: '/admin/api-keys', label: 'API keys', icon: <IconKey size={18} />, group: 'Admin', component: ApiKeysView, keywords: ['tokens', 'integrations'] },
  { path: '/admin/audit', label: 'Audit log', icon: <IconFileSearch size={18} />, group: 'Admin', component: AuditView, permission: 'audit:read', keywords: ['history', 'who'] },
  { path: '/connections', label: 'Connections', icon: <IconPlugConnected size={18} />, group: 'App', component: ConnectionsView, desktopOnly: true, keywords: ['servers', 'profiles'] },
  { path: '/settings', label: 'Settings', icon: <IconSettings size={18} />, group: 'App', component: SettingsView, keywords: ['theme', 'dark', 'notifications'] },
];
