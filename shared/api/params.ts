import { Type, type Static, type TSchema } from 'typebox';
import { OffsetSchema } from './numbers.ts';

/** `/:id` of a route whose resource is numbered. */
export const IdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type IdParams = Static<typeof IdParamsSchema>;

/** A positive page size and offset, for lists that page by offset. */
export const OffsetPageQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(OffsetSchema),
}, { additionalProperties: false });

/** One page of a list that pages by offset: its items, how many match in all, and the page asked for. */
export function offsetPageOf<Item extends TSchema>(item: Item) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });
}
