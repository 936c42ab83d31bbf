import { Badge, Button, Code, Modal, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useQuery } from '@tanstack/react-query';
import { IconPlus, IconRuler } from '@tabler/icons-react';
import { useState } from 'react';
import type { Rule, RuleInput } from '../../../../../shared/api/alerts.ts';
import { useApi } from '../../../platform/PlatformContext.tsx';
import { useCan } from '../../../session/permissions.ts';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { AdminTable } from '../../../components/admin/AdminTable.tsx';
import { useAdminAction } from '../../../components/admin/useAdminAction.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { SeverityBadge } from '../../alerts/SeverityBadge.tsx';
import { adminQueries } from '../queries.ts';
import { describeCondition, draftOf, EMPTY_DRAFT, toggled } from './rule-draft.ts';
import { RuleForm } from './RuleForm.tsx';

/** The form edits three annotations and no labels; the rest of an edited rule is kept as it was. */
function keepingExtras(rule: Rule, input: RuleInput): RuleInput {
  const { summary: _s, description: _d, runbook_url: _r, ...otherAnnotations } = rule.annotations;
  return { ...input, labels: rule.labels, annotations: { ...otherAnnotations, ...input.annotations } };
}

/** The rule's name and query keep at least this much room however many columns sit beside them. */
const RULE_COLUMN_MIN_WIDTH = 180;

function queryOf(rule: Rule): string {
  return rule.expr ?? rule.selector;
}

type Editing = { mode: 'create' } | { mode: 'edit'; rule: Rule } | null;
const INVALIDATES = [['admin', 'alert-rules'], ['alerts']] as const;

/** Threshold rules: list with their live state, create and edit with a preview, enable/disable, delete. */
export function AlertRulesView() {
  const api = useApi();
  const canManage = useCan('rules:manage');
  const rules = useQuery(adminQueries.rules(api));
  const [editing, setEditing] = useState<Editing>(null);
  const save = useAdminAction({
    run: (input: RuleInput) => (editing?.mode === 'edit' ? api.alertRules.replace({ params: { id: editing.rule.id }, body: keepingExtras(editing.rule, input) }) : api.alertRules.create({ body: input })),
    invalidates: INVALIDATES,
    success: (rule) => `Rule ${rule.name} saved`,
    failure: 'Could not save the rule',
    onDone: () => setEditing(null),
  });
  const toggle = useAdminAction({
    run: ({ rule, enabled }: { rule: Rule; enabled: boolean }) => api.alertRules.replace({ params: { id: rule.id }, body: toggled(rule, enabled) }),
    invalidates: INVALIDATES,
    success: (rule) => `${rule.name} ${rule.enabled ? 'enabled' : 'disabled'}`,
    failure: 'Could not change the rule',
  });
  const remove = useAdminAction({
    run: (rule: Rule) => api.alertRules.remove({ params: { id: rule.id } }),
    invalidates: INVALIDATES,
    success: (_out, rule) => `Rule ${rule.name} deleted`,
    failure: 'Could not delete the rule',
  });
  const confirmRemove = (rule: Rule) =>
    modals.openConfirmModal({
      title: `Delete ${rule.name}?`,
      children: <Text size="sm">Its firing alerts resolve. To stop it for a while, disable it instead.</Text>,
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(rule),
    });

  return (
    <>
      <PageHeader
        title="Alert rules"
        description="Threshold rules on the built-in metrics or a PromQL data source, evaluated every 30 s."
        actions={canManage && <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ mode: 'create' })}>New rule</Button>}
      />
      <AdminTable
        query={rules}
        rows={(data) => data}
        rowKey={(rule) => rule.id}
        rowLabel={(rule) => rule.name}
        label="Alert rules"
        empty={{ title: 'No alert rules', description: 'A rule raises an alert when a metric crosses a threshold for long enough.', icon: <IconRuler size={24} /> }}
        columns={[
          { header: 'Enabled', cell: (rule) => <Switch aria-label={`${rule.enabled ? 'Disable' : 'Enable'} ${rule.name}`} checked={rule.enabled} disabled={!canManage} onChange={(event) => toggle.mutate({ rule, enabled: event.currentTarget.checked })} /> },
          // The query under the name, in one column with room for both: as columns of their own
          // at 992-1200 px, a long name (no space to break at) beside the condition squeezed the
          // query to five characters a line (`tests/e2e/operator-console.spec.ts`).
          {
            header: 'Rule',
            cell: (rule) => (
              <Stack gap={2} miw={RULE_COLUMN_MIN_WIDTH}>
                <Text size="sm" fw={500} className="sco-wrap-anywhere">{rule.name}</Text>
                <Code className="sco-wrap-anywhere" style={{ alignSelf: 'flex-start' }}>{queryOf(rule)}</Code>
              </Stack>
            ),
            inCard: false,
          },
          { header: 'Query', cell: (rule) => <Code>{queryOf(rule)}</Code>, inTable: false },
          { header: 'Condition', cell: (rule) => <Text size="sm">{describeCondition(rule)}</Text> },
          { header: 'Severity', cell: (rule) => <SeverityBadge severity={rule.severity} /> },
          {
            header: 'Now',
            cell: (rule) => {
              if (rule.lastError) return <Tooltip label={rule.lastError} multiline w={320}><Badge color="red" variant="light">error</Badge></Tooltip>;
              const firing = rule.series.filter((one) => one.state === 'firing').length;
              const pending = rule.series.length - firing;
              if (!rule.enabled) return <Text size="xs" c="dimmed">off</Text>;
              return (
                // Two lines at most, each count whole ("0 firing" / "0 pending"): on one line it
                // pushed the Delete buttons out of the table at 1024 px.
                <Text size="xs" c="dimmed" title={rule.lastEvaluatedAt ? `Evaluated ${formatDateTime(rule.lastEvaluatedAt)}` : 'Not evaluated yet'}>
                  <span className="sco-nowrap">{firing} firing</span> · <span className="sco-nowrap">{pending} pending</span>
                </Text>
              );
            },
          },
        ]}
        {...(canManage
          ? {
              actions: (rule: Rule) => (
                <>
                  <Button size="xs" variant="subtle" onClick={() => setEditing({ mode: 'edit', rule })} aria-label={`Edit ${rule.name}`}>Edit</Button>
                  <Button size="xs" variant="subtle" color="red" onClick={() => confirmRemove(rule)} aria-label={`Delete ${rule.name}`}>Delete</Button>
                </>
              ),
            }
          : {})}
      />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing?.mode === 'edit' ? `Edit ${editing.rule.name}` : 'New alert rule'} size="80rem" fullScreen={false}>
        {editing && (
          <RuleForm
            initial={editing.mode === 'edit' ? draftOf(editing.rule) : EMPTY_DRAFT}
            busy={save.isPending}
            submitLabel={editing.mode === 'edit' ? 'Save rule' : 'Create rule'}
            onSubmit={(input) => save.mutate(input)}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
    </>
  );
}
