import { Type, type Static } from 'typebox';
import { OffsetSchema } from './numbers.ts';

/** `/:id` of a route whose resource is numbered. */
export const IdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type IdParams = Static<typeof IdParamsSchema>;

/** A positive page size and offset, for lists that page by offset. */
export const OffsetPageQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(OffsetSchema),
});
