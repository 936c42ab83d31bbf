import { Paper, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../platform/PlatformContext.tsx';
import { useCan } from '../../../session/permissions.ts';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { QueryState } from '../../../components/QueryState.tsx';
import { useAdminAction } from '../../../components/admin/useAdminAction.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { adminQueries } from '../queries.ts';
import { GroupingForm } from './GroupingForm.tsx';
import type { GroupingOverride } from '../../../../../shared/api/incident-grouping.ts';

/**
 * How alerts become incidents: group-by labels, the window and auto-resolve. The server's
 * environment gives the defaults; what is saved here overrides them until reset.
 */
export function IncidentGroupingView() {
  const api = useApi();
  const canEdit = useCan('rules:manage');
  const settings = useQuery(adminQueries.incidentGrouping(api));
  const save = useAdminAction({
    run: (body: GroupingOverride) => api.incidentGrouping.replace({ body }),
    invalidates: [['admin', 'incident-grouping']],
    success: () => 'Incident grouping saved: new alerts are grouped with it',
    failure: 'Could not save the incident grouping',
  });

  return (
    <>
      <PageHeader
        title="Incident grouping"
        description="How firing alerts are gathered into incidents. Applies to alerts that fire from now on; existing incidents keep their alerts (merge or split them from the incident page)."
      />
      <Paper withBorder radius="md" p="md">
        <QueryState query={settings} skeletonRows={3}>
          {(data) => (
            <>
              {/* Keyed on the saved state: a save (or another admin's) starts the form from what is stored. */}
              <GroupingForm key={data.updatedAt ?? 0} settings={data} canEdit={canEdit} busy={save.isPending} onSubmit={(override) => save.mutate(override)} />
              <Text size="xs" c="dimmed" mt="md" data-testid="grouping-updated">
                {data.updatedAt !== null ? `Last changed by ${data.updatedBy ?? 'unknown'} on ${formatDateTime(data.updatedAt)}.` : 'Never changed here: the defaults apply.'}
              </Text>
            </>
          )}
        </QueryState>
      </Paper>
    </>
  );
}
