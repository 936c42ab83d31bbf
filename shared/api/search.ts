import { Type, type Static } from 'typebox';
import { defineRoute } from './route.ts';
import { AlertSchema } from './alerts.ts';
import { IncidentSchema } from './incidents.ts';

/**
 * Server-side search for the command palette: alerts and incidents by name, label value
 * and number, over everything stored, not only what a console happens to have cached.
 */
export const SearchQuerySchema = Type.Object(
  {
    /** `HighLatency`, `api-2`, `service=api`, `#2` or `2`. Case-insensitive, a substring. */
    q: Type.String({ minLength: 1, maxLength: 256 }),
    /** Most results per kind. */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuerySchema>;

export const SearchResultSchema = Type.Object({
  /** Unresolved first, then the most recently seen. Empty without `alerts:read`. */
  alerts: Type.Array(AlertSchema),
  /** Open first, then the most recently active. */
  incidents: Type.Array(IncidentSchema),
});
export type SearchResult = Static<typeof SearchResultSchema>;

/** The palette's search; what a role cannot read is left out of the answer. */
export const searchRoutes = {
  search: defineRoute({ method: 'GET', path: '/search', access: 'incidents:read', tags: ['search'], query: SearchQuerySchema, response: SearchResultSchema }),
} as const;
