import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DEFAULT_LIMITS } from '../limits.js';

/**
 * Identifiers are plain strings of a safe alphabet. The pattern is what keeps
 * operator-injection values (`{"$ne":null}`, arrays, nested objects) and path
 * tricks out of every id field: anything else is a 400.
 */
export const Id = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$',
  minLength: 1,
  maxLength: 128,
});

/** An ISO 8601 date-time string, always UTC with milliseconds in responses. */
export const DateTime = Type.String({ format: 'date-time' });

/** A string map for application data, as in seed 003's message metadata. */
export const Metadata = Type.Record(
  Type.String({ maxLength: DEFAULT_LIMITS.metadataKeyBytes }),
  Type.String({ maxLength: DEFAULT_LIMITS.metadataValueBytes }),
  { maxProperties: DEFAULT_LIMITS.metadataEntries },
);
export type Metadata = Static<typeof Metadata>;

export const DisplayName = Type.String({ minLength: 1, maxLength: 256 });

/** Page size accepted by every list endpoint. */
export const Limit = Type.Integer({ minimum: 1, maximum: DEFAULT_LIMITS.maxPageSize });

/** An opaque paging cursor handed out in `nextCursor`. */
export const Cursor = Type.String({ maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' });

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    retryAfter: Type.Optional(Type.Integer()),
    field: Type.Optional(Type.String()),
  }),
});

/** A page of items with the cursor of the next page, null at the end. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

export const IdParams = {
  thread: Type.Object({ threadId: Id }),
  user: Type.Object({ userId: Id }),
  threadUser: Type.Object({ threadId: Id, userId: Id }),
  threadMessage: Type.Object({ threadId: Id, messageId: Id }),
  apiKey: Type.Object({ keyId: Id }),
};
