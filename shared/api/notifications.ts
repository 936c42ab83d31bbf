import { Type, type Static } from 'typebox';
import { WebhookDeliverySchema, WebhookInputSchema, WebhookSchema } from './alerts.ts';
import { IdParamsSchema, OffsetPageQuerySchema } from './params.ts';
import { defineRoute } from './route.ts';

export const WebhookDeliveryPageSchema = Type.Object({ items: Type.Array(WebhookDeliverySchema), total: Type.Integer() });

/** `POST /webhooks/:id/test`: one sample notification sent now, in the hook's format; not queued, not retried. */
export const WebhookTestResultSchema = Type.Object({
  ok: Type.Boolean(),
  /** The receiver's HTTP status; null when no answer came (refused, timeout). */
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  sentAt: Type.Integer(),
});
export type WebhookTestResult = Static<typeof WebhookTestResultSchema>;

const tags = ['webhooks'];

/** Outbound webhooks and their delivery log: admins only (URLs can carry secrets). */
export const webhooksRoutes = {
  list: defineRoute({ method: 'GET', path: '/webhooks', access: 'webhooks:manage', tags, response: Type.Array(WebhookSchema) }),
  get: defineRoute({ method: 'GET', path: '/webhooks/:id', access: 'webhooks:manage', tags, params: IdParamsSchema, response: WebhookSchema }),
  create: defineRoute({ method: 'POST', path: '/webhooks', access: 'webhooks:manage', tags, body: WebhookInputSchema, response: WebhookSchema, status: 201 }),
  replace: defineRoute({ method: 'PUT', path: '/webhooks/:id', access: 'webhooks:manage', tags, params: IdParamsSchema, body: WebhookInputSchema, response: WebhookSchema }),
  remove: defineRoute({ method: 'DELETE', path: '/webhooks/:id', access: 'webhooks:manage', tags, params: IdParamsSchema, response: Type.Null(), status: 204 }),
  deliveries: defineRoute({
    method: 'GET', path: '/webhooks/:id/deliveries', access: 'webhooks:manage', tags, params: IdParamsSchema, query: OffsetPageQuerySchema, response: WebhookDeliveryPageSchema,
  }),
  test: defineRoute({ method: 'POST', path: '/webhooks/:id/test', access: 'webhooks:manage', tags, params: IdParamsSchema, response: WebhookTestResultSchema }),
} as const;
