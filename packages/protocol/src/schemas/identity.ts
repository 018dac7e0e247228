import { Type, type Static } from '@sinclair/typebox';
import { Cursor, DateTime, DisplayName, Id, Limit, Metadata } from './common.js';

export const UserRole = Type.Union([
  Type.Literal('admin'),
  Type.Literal('agent'),
  Type.Literal('member'),
  Type.Literal('visitor'),
  Type.Literal('bot'),
]);
export type UserRole = Static<typeof UserRole>;

/**
 * Scopes carried by a user access token.
 * - `chat`: threads, participants, messages, receipts, typing, real time.
 * - `users.read`: list and search the tenant's users (contact search).
 * - `admin`: manage users, tokens and API keys (only for users whose role is admin).
 */
export const Scope = Type.Union([Type.Literal('chat'), Type.Literal('users.read'), Type.Literal('admin')]);
export type Scope = Static<typeof Scope>;

export const User = Type.Object({
  id: Id,
  displayName: DisplayName,
  role: UserRole,
  metadata: Metadata,
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type User = Static<typeof User>;

export const CreateUserBody = Type.Object(
  {
    id: Type.Optional(Id),
    displayName: DisplayName,
    role: Type.Optional(UserRole),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    role: Type.Optional(UserRole),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const ListUsersQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    search: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type ListUsersQuery = Static<typeof ListUsersQuery>;

export const IssueTokenBody = Type.Object(
  {
    scopes: Type.Optional(Type.Array(Scope, { minItems: 1, maxItems: 3, uniqueItems: true })),
    /** Lifetime in seconds; default 24 h, at most 30 days. */
    expiresInSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 30 * 24 * 3600 })),
  },
  { additionalProperties: false },
);
export type IssueTokenBody = Static<typeof IssueTokenBody>;

export const IssuedToken = Type.Object({
  token: Type.String(),
  expiresAt: DateTime,
  userId: Id,
  scopes: Type.Array(Scope),
});
export type IssuedToken = Static<typeof IssuedToken>;

export const ValidateTokenBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false },
);

export const TokenValidation = Type.Object({
  valid: Type.Boolean(),
  /** Why the token is not valid: one of the error codes invalid_token, token_expired, token_revoked, user_not_found. */
  reason: Type.Optional(Type.String()),
  subject: Type.Optional(Id),
  tenantId: Type.Optional(Id),
  scopes: Type.Optional(Type.Array(Scope)),
  expiresAt: Type.Optional(DateTime),
  /** The live-chat organization the user is an agent of, when they are one (seed 002's operator). */
  organizationId: Type.Optional(Id),
});
export type TokenValidation = Static<typeof TokenValidation>;

export const ApiKey = Type.Object({
  id: Id,
  name: Type.String(),
  /** The first characters of the secret, to recognise a key in a list. */
  prefix: Type.String(),
  createdAt: DateTime,
  lastUsedAt: Type.Union([DateTime, Type.Null()]),
});
export type ApiKey = Static<typeof ApiKey>;

export const CreatedApiKey = Type.Intersect([ApiKey, Type.Object({ secret: Type.String() })]);
export type CreatedApiKey = Static<typeof CreatedApiKey>;

export const CreateApiKeyBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

export const Tenant = Type.Object({ id: Id, name: Type.String(), createdAt: DateTime });
export type Tenant = Static<typeof Tenant>;

/**
 * Tenant ids leave out `:` and `@`: they open every bus topic and Redis key
 * (`u:<tenant>:<user>`), so a tenant `a:b` must not be able to read as tenant
 * `a` with a user `b:…`.
 */
export const TenantId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
  minLength: 1,
  maxLength: 64,
});

export const CreateTenantBody = Type.Object(
  { id: Type.Optional(TenantId), name: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export type CreateTenantBody = Static<typeof CreateTenantBody>;

export const CreatedTenant = Type.Object({ tenant: Tenant, apiKey: CreatedApiKey });
export type CreatedTenant = Static<typeof CreatedTenant>;
