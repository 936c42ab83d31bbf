import type { ComponentType, ReactNode } from 'react';
import {
  IconAlertTriangle,
  IconBellOff,
  IconBrain,
  IconStack2,
  IconRuler,
  IconWebhook,
  IconBook,
  IconChecklist,
  IconChartLine,
  IconDatabase,
  IconPackageImport,
  IconTerminal2,
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
import type { RouteProps } from '../lib/router.ts';
import { OverviewView } from '../features/overview/OverviewView.tsx';
import { ApprovalsBadge } from '../features/runbooks/ApprovalsBadge.tsx';
import { lazyView } from '../lib/lazy-view.tsx';

/**
 * The overview is in the main bundle (it is the first thing an on-call engineer sees);
 * every other view loads on first visit, keeping the first paint small (and loads again on
 * Retry when that fetch failed: `lazyView`).
 */
const MetricsView = lazyView(() => import('../features/metrics/MetricsView.tsx').then((m) => ({ default: m.MetricsView })));
const AnomaliesView = lazyView(() => import('../features/anomalies/AnomaliesView.tsx').then((m) => ({ default: m.AnomaliesView })));
const AlertsView = lazyView(() => import('../features/alerts/AlertsView.tsx').then((m) => ({ default: m.AlertsView })));
const SilencesView = lazyView(() => import('../features/alerts/SilencesView.tsx').then((m) => ({ default: m.SilencesView })));
const IncidentsView = lazyView(() => import('../features/incidents/IncidentsView.tsx').then((m) => ({ default: m.IncidentsView })));
const IncidentDetailView = lazyView(() => import('../features/incidents/IncidentDetailView.tsx').then((m) => ({ default: m.IncidentDetailView })));
const CapsulesView = lazyView(() => import('../features/capsules/CapsulesView.tsx').then((m) => ({ default: m.CapsulesView })));
const CapsuleIncidentView = lazyView(() => import('../features/capsules/CapsuleIncidentView.tsx').then((m) => ({ default: m.CapsuleIncidentView })));
const ReplayView = lazyView(() => import('../features/replay/ReplayView.tsx').then((m) => ({ default: m.ReplayView })));
const RunbooksView = lazyView(() => import('../features/runbooks/RunbooksView.tsx').then((m) => ({ default: m.RunbooksView })));
const RunbookDetailView = lazyView(() => import('../features/runbooks/RunbookDetailView.tsx').then((m) => ({ default: m.RunbookDetailView })));
const ApprovalsView = lazyView(() => import('../features/runbooks/ApprovalsView.tsx').then((m) => ({ default: m.ApprovalsView })));
const RunView = lazyView(() => import('../features/runbooks/RunView.tsx').then((m) => ({ default: m.RunView })));
const UsersView = lazyView(() => import('../features/admin/UsersView.tsx').then((m) => ({ default: m.UsersView })));
const ApiKeysView = lazyView(() => import('../features/admin/ApiKeysView.tsx').then((m) => ({ default: m.ApiKeysView })));
const AuditView = lazyView(() => import('../features/admin/AuditView.tsx').then((m) => ({ default: m.AuditView })));
const ConnectionsView = lazyView(() => import('../features/connections/ConnectionsView.tsx').then((m) => ({ default: m.ConnectionsView })));
const ExplorerView = lazyView(() => import('../features/explorer/ExplorerView.tsx').then((m) => ({ default: m.ExplorerView })));
const DatasourcesView = lazyView(() => import('../features/admin/DatasourcesView.tsx').then((m) => ({ default: m.DatasourcesView })));
const AlertRulesView = lazyView(() => import('../features/admin/rules/AlertRulesView.tsx').then((m) => ({ default: m.AlertRulesView })));
const WebhooksView = lazyView(() => import('../features/admin/webhooks/WebhooksView.tsx').then((m) => ({ default: m.WebhooksView })));
const AnomalyModelsView = lazyView(() => import('../features/admin/models/AnomalyModelsView.tsx').then((m) => ({ default: m.AnomalyModelsView })));
const IncidentGroupingView = lazyView(() => import('../features/admin/grouping/IncidentGroupingView.tsx').then((m) => ({ default: m.IncidentGroupingView })));
const SettingsView = lazyView(() => import('../features/settings/SettingsView.tsx').then((m) => ({ default: m.SettingsView })));

export interface AppRoute<P extends string = string> {
  path: P;
  label: string;
  icon: ReactNode;
  group: 'Operate' | 'Admin' | 'App';
  /** Receives the parameters of its own path, typed from the pattern. */
  component: ComponentType<RouteProps<P>>;
  /** Hidden from users whose role lacks it. */
  permission?: Permission;
  desktopOnly?: boolean;
  /** Detail pages are reached from their list, not from the navigation. */
  hidden?: boolean;
  /** Words the command palette also matches. */
  keywords?: string[];
  /** Shown beside the navigation entry (a count waiting for the user). */
  badge?: ComponentType;
}

/** Checks a view against its own path's parameters, then files it with the others. */
function route<P extends string>(definition: AppRoute<P>): AppRoute {
  return definition as unknown as AppRoute;
}

export const ROUTES: readonly AppRoute[] = [
  route({ path: '/', label: 'Overview', icon: <IconGauge size={18} />, group: 'Operate', component: OverviewView, keywords: ['home', 'fleet', 'health'] }),
  route({ path: '/metrics', label: 'Metrics', icon: <IconChartLine size={18} />, group: 'Operate', component: MetricsView, permission: 'metrics:read', keywords: ['explorer', 'series', 'chart'] }),
  route({ path: '/explorer', label: 'Metrics explorer', icon: <IconTerminal2 size={18} />, group: 'Operate', component: ExplorerView, permission: 'metrics:read', keywords: ['promql', 'prometheus', 'query'] }),
  route({ path: '/anomalies', label: 'Anomalies', icon: <IconSparkles size={18} />, group: 'Operate', component: AnomaliesView, permission: 'anomalies:read' }),
  route({ path: '/alerts', label: 'Alerts', icon: <IconAlertTriangle size={18} />, group: 'Operate', component: AlertsView, permission: 'alerts:read', keywords: ['firing', 'acknowledge'] }),
  route({ path: '/silences', label: 'Silences', icon: <IconBellOff size={18} />, group: 'Operate', component: SilencesView, permission: 'alerts:read', keywords: ['mute'] }),
  route({ path: '/incidents', label: 'Incidents', icon: <IconFlame size={18} />, group: 'Operate', component: IncidentsView, permission: 'incidents:read', keywords: ['postmortem'] }),
  route({ path: '/incidents/:id', label: 'Incident', icon: <IconFlame size={18} />, group: 'Operate', component: IncidentDetailView, permission: 'incidents:read', hidden: true }),
  route({ path: '/incidents/:id/replay', label: 'Incident replay', icon: <IconFlame size={18} />, group: 'Operate', component: ReplayView, permission: 'incidents:read', hidden: true }),
  route({ path: '/runbooks', label: 'Runbooks', icon: <IconBook size={18} />, group: 'Operate', component: RunbooksView, permission: 'runbooks:read', keywords: ['remediation', 'fix', 'restart'] }),
  route({ path: '/runbooks/:id', label: 'Runbook', icon: <IconBook size={18} />, group: 'Operate', component: RunbookDetailView, permission: 'runbooks:read', hidden: true }),
  route({ path: '/runbook-runs/:id', label: 'Runbook run', icon: <IconBook size={18} />, group: 'Operate', component: RunView, permission: 'runbooks:read', hidden: true }),
  route({ path: '/approvals', label: 'Approvals', icon: <IconChecklist size={18} />, group: 'Operate', component: ApprovalsView, permission: 'runbooks:read', badge: ApprovalsBadge, keywords: ['approve', 'runbook runs'] }),
  route({ path: '/admin/users', label: 'Users', icon: <IconUsers size={18} />, group: 'Admin', component: UsersView, permission: 'users:manage', keywords: ['roles', 'accounts'] }),
  route({ path: '/admin/api-keys', label: 'API keys', icon: <IconKey size={18} />, group: 'Admin', component: ApiKeysView, keywords: ['tokens', 'integrations'] }),
  route({ path: '/admin/datasources', label: 'Data sources', icon: <IconDatabase size={18} />, group: 'Admin', component: DatasourcesView, permission: 'datasources:manage', keywords: ['prometheus', 'thanos', 'mimir'] }),
  route({ path: '/admin/alert-rules', label: 'Alert rules', icon: <IconRuler size={18} />, group: 'Admin', component: AlertRulesView, permission: 'rules:manage', keywords: ['thresholds', 'rules', 'cpu', 'disk'] }),
  route({ path: '/admin/webhooks', label: 'Webhooks & Slack', icon: <IconWebhook size={18} />, group: 'Admin', component: WebhooksView, permission: 'webhooks:manage', keywords: ['slack', 'notifications', 'deliveries'] }),
  route({ path: '/admin/incident-grouping', label: 'Incident grouping', icon: <IconStack2 size={18} />, group: 'Admin', component: IncidentGroupingView, permission: 'rules:manage', keywords: ['group by', 'window', 'auto-resolve', 'incidents'] }),
  route({ path: '/admin/anomaly-models', label: 'Anomaly models', icon: <IconBrain size={18} />, group: 'Admin', component: AnomalyModelsView, permission: 'models:manage', keywords: ['train', 'promote', 'rollback', 'shadow'] }),
  route({ path: '/admin/audit', label: 'Audit log', icon: <IconFileSearch size={18} />, group: 'Admin', component: AuditView, permission: 'audit:read', keywords: ['history', 'who'] }),
  route({ path: '/capsules', label: 'Imported capsules', icon: <IconPackageImport size={18} />, group: 'App', component: CapsulesView, permission: 'incidents:read', desktopOnly: true, keywords: ['scocapsule', 'offline', 'import', 'review'] }),
  route({ path: '/capsules/:id', label: 'Imported incident', icon: <IconPackageImport size={18} />, group: 'App', component: CapsuleIncidentView, permission: 'incidents:read', desktopOnly: true, hidden: true }),
  route({ path: '/connections', label: 'Connections', icon: <IconPlugConnected size={18} />, group: 'App', component: ConnectionsView, desktopOnly: true, keywords: ['servers', 'profiles'] }),
  route({ path: '/settings', label: 'Settings', icon: <IconSettings size={18} />, group: 'App', component: SettingsView, keywords: ['theme', 'dark', 'notifications'] }),
];
