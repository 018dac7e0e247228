import { Type, type Static } from '@sinclair/typebox';
import { Cursor, DateTime, Id, Limit } from './common.js';

/**
 * The audit log (issue 6): every administrative change made through the API
 * (organizations, departments, agents and invitations, business hours,
 * widget settings, canned responses, identity secrets, users, API keys),
 * who made it and when. Conversation work (take, reply, resolve…) is not
 * administration and is not logged here.
 */
export const AuditEntry = Type.Object({
  id: Id,
  at: DateTime,
  /** `user` (with `actorId` the user id) or `api_key` (with the key id). */
  actorKind: Type.Union([Type.Literal('user'), Type.Literal('api_key')]),
  actorId: Type.String(),
  /** Method and route, e.g. `PUT /v1/organizations/{organizationId}/widget-settings`. */
  action: Type.String(),
  /** The path called, e.g. `/v1/organizations/org_…/widget-settings`. */
  path: Type.String(),
  organizationId: Type.Union([Id, Type.Null()]),
  /** The HTTP status of the change (2xx: only changes that happened are logged). */
  status: Type.Integer(),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const ListAuditQuery = Type.Object(
  {
    organizationId: Type.Optional(Id),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ListAuditQuery = Static<typeof ListAuditQuery>;
