import { Type, type Static } from 'typebox';
import { defineRoute } from './route.ts';
import { MAX_GROUP_BY_ENTRIES, MAX_GROUP_WINDOW_MINUTES } from '../incidents/group-by.ts';

/**
 * How alerts are grouped into incidents (`/api/v1/incidents/grouping`, docs/alerts.md):
 * the defaults come from `SMARTCLOUDOPS_INCIDENT_GROUP_BY`,
 * `SMARTCLOUDOPS_INCIDENT_GROUP_WINDOW_MINUTES` and `SMARTCLOUDOPS_INCIDENT_AUTO_RESOLVE`
 * (or the built-in ones); an admin may override each part from the console, and the
 * override is kept in the database until it is reset.
 */

/** A label name, or alternatives separated by `|` (`service|job`: the first one an alert has counts). */
export const GROUP_BY_ENTRY_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*(\\|[A-Za-z_][A-Za-z0-9_]*)*$';

export const GroupByEntrySchema = Type.String({ minLength: 1, maxLength: 200, pattern: GROUP_BY_ENTRY_PATTERN });

export const GroupingPolicyViewSchema = Type.Object({
  groupBy: Type.Array(Type.String()),
  /** An alert joins (or reopens) an incident of its group active this recently. */
  windowMinutes: Type.Number({ minimum: 0 }),
  autoResolve: Type.Boolean(),
});
export type GroupingPolicyView = Static<typeof GroupingPolicyViewSchema>;

/** Each part null: that part follows the default. */
export const GroupingOverrideSchema = Type.Object(
  {
    groupBy: Type.Union([Type.Array(GroupByEntrySchema, { minItems: 1, maxItems: MAX_GROUP_BY_ENTRIES }), Type.Null()]),
    windowMinutes: Type.Union([Type.Integer({ minimum: 1, maximum: MAX_GROUP_WINDOW_MINUTES }), Type.Null()]),
    autoResolve: Type.Union([Type.Boolean(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type GroupingOverride = Static<typeof GroupingOverrideSchema>;

export const IncidentGroupingSettingsSchema = Type.Object({
  /** What the server groups with now: the override where set, else the default. */
  effective: GroupingPolicyViewSchema,
  /** From the environment at start-up, else built in (`alertname`, `service|job`; 30 min; on). */
  defaults: GroupingPolicyViewSchema,
  override: GroupingOverrideSchema,
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.Integer(), Type.Null()]),
});
export type IncidentGroupingSettings = Static<typeof IncidentGroupingSettingsSchema>;

const tags = ['incidents'];
export const incidentGroupingRoutes = {
  get: defineRoute({ method: 'GET', path: '/incidents/grouping', access: 'incidents:read', tags, response: IncidentGroupingSettingsSchema }),
  /** Sets every part of the override at once; nulls reset a part to its default. */
  replace: defineRoute({ method: 'PUT', path: '/incidents/grouping', access: 'rules:manage', tags, body: GroupingOverrideSchema, response: IncidentGroupingSettingsSchema }),
} as const;
