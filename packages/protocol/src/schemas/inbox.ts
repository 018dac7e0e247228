import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Id } from './common.js';

/*
 * The agents' side of a conversation that the visitor never sees (issue 6):
 * private notes, labels, and the organization's canned responses.
 */

export const INBOX_LIMITS = {
  noteLength: 5000,
  labelsPerConversation: 20,
  labelLength: 40,
  cannedResponses: 500,
  cannedContentLength: 5000,
  /** The organization's label list keeps its most used labels, this many at most. */
  organizationLabels: 1000,
} as const;

/** A private note: stored apart from the thread, so it can never reach the visitor's connections. */
export const Note = Type.Object({
  id: Id,
  conversationId: Id,
  authorId: Id,
  authorDisplayName: Type.String(),
  content: Type.String(),
  createdAt: DateTime,
});
export type Note = Static<typeof Note>;

export const CreateNoteBody = Type.Object(
  { content: Type.String({ minLength: 1, maxLength: INBOX_LIMITS.noteLength }) },
  { additionalProperties: false },
);
export type CreateNoteBody = Static<typeof CreateNoteBody>;

/** Letters, digits, spaces and `-_.:/#&+`, no leading or trailing space. */
export const Label = Type.String({
  minLength: 1,
  maxLength: INBOX_LIMITS.labelLength,
  pattern: '^[\\p{L}\\p{N}_.:/#&+-]([\\p{L}\\p{N} _.:/#&+-]*[\\p{L}\\p{N}_.:/#&+-])?$',
});

/** A label of the organization and how many of its conversations (any status) carry it. */
export const LabelCount = Type.Object({ name: Type.String(), count: Type.Integer({ minimum: 1 }) });
export type LabelCount = Static<typeof LabelCount>;

/** The organization's labels, most used first, then by name. */
export const LabelList = Type.Object({ items: Type.Array(LabelCount) });
export type LabelList = Static<typeof LabelList>;

export const SetLabelsBody = Type.Object(
  { labels: Type.Array(Label, { maxItems: INBOX_LIMITS.labelsPerConversation, uniqueItems: true }) },
  { additionalProperties: false },
);
export type SetLabelsBody = Static<typeof SetLabelsBody>;

/** A shortcut an agent types after `/` in the composer. */
export const CannedShortcut = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' });

export const CannedResponse = Type.Object({
  id: Id,
  organizationId: Id,
  shortcut: Type.String(),
  content: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type CannedResponse = Static<typeof CannedResponse>;

export const CreateCannedResponseBody = Type.Object(
  {
    shortcut: CannedShortcut,
    content: Type.String({ minLength: 1, maxLength: INBOX_LIMITS.cannedContentLength }),
  },
  { additionalProperties: false },
);
export type CreateCannedResponseBody = Static<typeof CreateCannedResponseBody>;

export const UpdateCannedResponseBody = Type.Partial(CreateCannedResponseBody, {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateCannedResponseBody = Static<typeof UpdateCannedResponseBody>;

export const CannedResponseParams = Type.Object({ organizationId: Id, cannedResponseId: Id });
export type CannedResponseParams = Static<typeof CannedResponseParams>;
