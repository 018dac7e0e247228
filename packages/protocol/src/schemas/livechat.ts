import { Type, type Static } from '@sinclair/typebox';
import { Cursor, DateTime, Id, Limit } from './common.js';
import { WIDGET_LIMITS } from '../field-limits.js';

/**
 * Live chat (issue 5): the statuses routing works with and the widget settings
 * an admin edits, within `WIDGET_LIMITS` (`field-limits.ts`).
 */

/**
 * Where an agent is: `online` takes new conversations; `away` keeps the ones it
 * has but takes no new ones; `offline` has its conversations re-queued.
 */
export const AgentStatus = Type.Union([
  Type.Literal('online'),
  Type.Literal('away'),
  Type.Literal('offline'),
]);
export type AgentStatus = Static<typeof AgentStatus>;

/**
 * A live-chat conversation's status.
 * - `pending`: waiting in its department's queue; no agent is assigned.
 * - `open`: assigned to an agent, who is expected to answer.
 * - `snoozed`: assigned, but set aside by the agent until a time (or until the
 *   visitor writes again).
 * - `resolved`: closed; a new visitor message reopens it.
 */
export const ConversationStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('pending'),
  Type.Literal('snoozed'),
  Type.Literal('resolved'),
]);
export type ConversationStatus = Static<typeof ConversationStatus>;

// A DNS name of LDH labels (IDNs in their punycode form); letters of either case, normalised later.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST = `${LABEL}(?:\\.${LABEL})*`;
const PORT = '(?::[0-9]{1,5})?';

/**
 * A site origin allowed to embed the widget: `https://host[:port]`, or plain
 * `http` for local development on `localhost` or `127.0.0.1` only. No path,
 * no trailing slash, no wildcard: browsers send exactly this in `Origin`.
 */
export const SiteOrigin = Type.String({
  minLength: 1,
  maxLength: WIDGET_LIMITS.originLength,
  pattern: `^(?:[Hh][Tt][Tt][Pp][Ss]://${HOST}|[Hh][Tt][Tt][Pp]://(?:[Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]|127\\.0\\.0\\.1))${PORT}$`,
});

/** A CSS colour as `#rrggbb`. */
export const WidgetColor = Type.String({ pattern: '^#[0-9A-Fa-f]{6}$' });

export const WidgetPosition = Type.Union([Type.Literal('bottom-right'), Type.Literal('bottom-left')]);
export type WidgetPosition = Static<typeof WidgetPosition>;

/** The languages the widget speaks; `auto` follows the visitor's browser. */
export const WidgetLanguage = Type.Union([Type.Literal('auto'), Type.Literal('en'), Type.Literal('fr')]);
export type WidgetLanguage = Static<typeof WidgetLanguage>;

export const EmailAddress = Type.String({
  format: 'email',
  minLength: 3,
  maxLength: WIDGET_LIMITS.emailLength,
});

/**
 * One field of the pre-chat form. `key` names the value in the visitor's
 * answers (unique within a form); `name` and `email` fields also fill the
 * visitor's profile.
 */
export const PreChatField = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z][A-Za-z0-9_]{0,31}$' }),
    label: Type.String({ minLength: 1, maxLength: WIDGET_LIMITS.preChatLabelLength }),
    type: Type.Union([Type.Literal('name'), Type.Literal('email'), Type.Literal('text')]),
    required: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type PreChatField = Static<typeof PreChatField>;

/** The form shown when nobody can answer; submissions are emailed to `email` (seed 001). */
export const OfflineForm = Type.Object(
  { enabled: Type.Boolean(), email: Type.Union([EmailAddress, Type.Null()]) },
  { additionalProperties: false },
);
export type OfflineForm = Static<typeof OfflineForm>;

const widgetFields = {
  allowedOrigins: Type.Array(SiteOrigin, { maxItems: WIDGET_LIMITS.allowedOrigins }),
  title: Type.String({ minLength: 1, maxLength: WIDGET_LIMITS.titleLength }),
  subtitle: Type.String({ maxLength: WIDGET_LIMITS.subtitleLength }),
  color: WidgetColor,
  position: WidgetPosition,
  /** Also the launcher button's accessible name, hence never empty. */
  launcherText: Type.String({ minLength: 1, maxLength: WIDGET_LIMITS.launcherTextLength }),
  welcomeMessages: Type.Array(Type.String({ minLength: 1, maxLength: WIDGET_LIMITS.welcomeMessageLength }), {
    maxItems: WIDGET_LIMITS.welcomeMessages,
  }),
  language: WidgetLanguage,
  preChatForm: Type.Array(PreChatField, { maxItems: WIDGET_LIMITS.preChatFields }),
  offlineForm: OfflineForm,
  /** Shown when the server cannot be reached (seed 002), e.g. a phone number. */
  fallbackContact: Type.String({ maxLength: WIDGET_LIMITS.fallbackContactLength }),
};

/**
 * An organization's widget settings, complete. The public widget key is not
 * part of it: the server generates the key and never accepts one.
 */
export const WidgetSettings = Type.Object(widgetFields, { additionalProperties: false });
export type WidgetSettings = Static<typeof WidgetSettings>;

/**
 * A department's overrides: each field present replaces the organization's.
 * `allowedOrigins` is not overridable: the origin check runs against the
 * widget key's organization before any department is chosen, so a department
 * list could only be ignored or widen the organization's.
 */
export const WidgetSettingsOverride = Type.Partial(
  Type.Object(
    {
      title: widgetFields.title,
      subtitle: widgetFields.subtitle,
      color: widgetFields.color,
      position: widgetFields.position,
      launcherText: widgetFields.launcherText,
      welcomeMessages: widgetFields.welcomeMessages,
      language: widgetFields.language,
      preChatForm: widgetFields.preChatForm,
      offlineForm: widgetFields.offlineForm,
      fallbackContact: widgetFields.fallbackContact,
    },
    { additionalProperties: false },
  ),
);
export type WidgetSettingsOverride = Static<typeof WidgetSettingsOverride>;

// Organizations, departments and agents -------------------------------------

/** Bounds of the organization model, enforced by the schemas below. */
export const ORGANIZATION_LIMITS = {
  nameLength: 200,
  maxChats: 100,
  defaultMaxChats: 5,
} as const;

export const OrganizationName = Type.String({ minLength: 1, maxLength: ORGANIZATION_LIMITS.nameLength });

/** An organization of a tenant (seed 002's company → organizations): a support team with its widget. */
export const Organization = Type.Object({
  id: Id,
  name: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Organization = Static<typeof Organization>;

export const CreateOrganizationBody = Type.Object(
  { name: OrganizationName },
  { additionalProperties: false },
);
export type CreateOrganizationBody = Static<typeof CreateOrganizationBody>;

export const UpdateOrganizationBody = Type.Object(
  { name: Type.Optional(OrganizationName) },
  { additionalProperties: false },
);
export type UpdateOrganizationBody = Static<typeof UpdateOrganizationBody>;

export const ListOrganizationsQuery = Type.Object(
  { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);
export type ListOrganizationsQuery = Static<typeof ListOrganizationsQuery>;

/** A department of an organization: a queue of conversations and the agents who serve it. */
export const Department = Type.Object({
  id: Id,
  organizationId: Id,
  name: Type.String(),
  createdAt: DateTime,
});
export type Department = Static<typeof Department>;

export const CreateDepartmentBody = Type.Object({ name: OrganizationName }, { additionalProperties: false });
export type CreateDepartmentBody = Static<typeof CreateDepartmentBody>;

/**
 * What an agent may do in its organization: `admin` manages it, `supervisor`
 * oversees every conversation, `agent` answers its own.
 */
export const AgentRole = Type.Union([
  Type.Literal('admin'),
  Type.Literal('supervisor'),
  Type.Literal('agent'),
]);
export type AgentRole = Static<typeof AgentRole>;

/** Most conversations the agent is given at once; 0 takes none automatically. */
export const MaxChats = Type.Integer({ minimum: 0, maximum: ORGANIZATION_LIMITS.maxChats });

/**
 * An agent (seed 002's operator): a user of the tenant, under the same id,
 * with a profile in exactly one organization.
 */
export const Agent = Type.Object({
  userId: Id,
  organizationId: Id,
  displayName: Type.String(),
  role: AgentRole,
  maxChats: Type.Integer(),
  status: AgentStatus,
  /** Departments of the organization the agent serves, sorted. */
  departmentIds: Type.Array(Id),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Agent = Static<typeof Agent>;

export const AddAgentBody = Type.Object(
  {
    userId: Id,
    role: Type.Optional(AgentRole),
    maxChats: Type.Optional(MaxChats),
    status: Type.Optional(AgentStatus),
  },
  { additionalProperties: false },
);
export type AddAgentBody = Static<typeof AddAgentBody>;

export const UpdateAgentBody = Type.Object(
  {
    role: Type.Optional(AgentRole),
    maxChats: Type.Optional(MaxChats),
    status: Type.Optional(AgentStatus),
  },
  { additionalProperties: false },
);
export type UpdateAgentBody = Static<typeof UpdateAgentBody>;

export const ListAgentsQuery = ListOrganizationsQuery;
export type ListAgentsQuery = ListOrganizationsQuery;

export const AddDepartmentMemberBody = Type.Object({ userId: Id }, { additionalProperties: false });
export type AddDepartmentMemberBody = Static<typeof AddDepartmentMemberBody>;

/**
 * Seed 002's operator token: either an absolute `expiresAt` or a lifetime in
 * seconds (default 24 h); either way between 60 seconds and 30 days from now.
 */
export const IssueOperatorTokenBody = Type.Object(
  {
    expiresAt: Type.Optional(DateTime),
    expiresInSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 30 * 24 * 3600 })),
  },
  { additionalProperties: false },
);
export type IssueOperatorTokenBody = Static<typeof IssueOperatorTokenBody>;

export const OperatorToken = Type.Object({
  token: Type.String(),
  expiresAt: DateTime,
  userId: Id,
  organizationId: Id,
  scopes: Type.Array(Type.Literal('chat')),
});
export type OperatorToken = Static<typeof OperatorToken>;

export const OrganizationParams = {
  organization: Type.Object({ organizationId: Id }),
  department: Type.Object({ organizationId: Id, departmentId: Id }),
  agent: Type.Object({ organizationId: Id, userId: Id }),
  departmentAgent: Type.Object({ organizationId: Id, departmentId: Id, userId: Id }),
};

// Business hours, availability and the widget of an organization -------------

/**
 * A weekly schedule in one IANA time zone, as the server's business-hours
 * rules read it (`core/livechat/business-hours.ts`). The shape is checked here;
 * time zone, times, overlaps and dates are checked by the server, which names
 * the field at fault (`schedule.weekly[1].close`).
 */
export const BusinessHoursSchedule = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, maxLength: 100 }),
    weekly: Type.Array(
      Type.Object(
        { day: Type.Integer(), open: Type.String(), close: Type.String() },
        { additionalProperties: false },
      ),
    ),
    /** Days closed whatever the weekly slots say; `[]` when left out. */
    holidays: Type.Optional(
      Type.Array(
        Type.Object(
          { date: Type.String(), name: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type BusinessHoursSchedule = Static<typeof BusinessHoursSchedule>;

/** One named schedule of an organization; departments attach some of them. */
export const BusinessHours = Type.Object({
  id: Id,
  organizationId: Id,
  name: Type.String(),
  schedule: Type.Object({
    timeZone: Type.String(),
    weekly: Type.Array(Type.Object({ day: Type.Integer(), open: Type.String(), close: Type.String() })),
    holidays: Type.Array(Type.Object({ date: Type.String(), name: Type.Optional(Type.String()) })),
  }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type BusinessHours = Static<typeof BusinessHours>;

export const CreateBusinessHoursBody = Type.Object(
  { name: OrganizationName, schedule: BusinessHoursSchedule },
  { additionalProperties: false },
);
export type CreateBusinessHoursBody = Static<typeof CreateBusinessHoursBody>;

export const UpdateBusinessHoursBody = Type.Object(
  { name: Type.Optional(OrganizationName), schedule: Type.Optional(BusinessHoursSchedule) },
  { additionalProperties: false },
);
export type UpdateBusinessHoursBody = Static<typeof UpdateBusinessHoursBody>;

export const AttachBusinessHoursBody = Type.Object({ businessHoursId: Id }, { additionalProperties: false });
export type AttachBusinessHoursBody = Static<typeof AttachBusinessHoursBody>;

export const DepartmentQuery = Type.Object(
  { departmentId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type DepartmentQuery = Static<typeof DepartmentQuery>;

/**
 * Whether an organization (or one of its departments) takes conversations
 * now: `open` by its business hours, `nextChange` when that flips (null when
 * not within 14 days, or never), and how many of its agents are online.
 * The widget offers a live chat when `open` and `agentsOnline > 0`.
 */
export const Availability = Type.Object({
  open: Type.Boolean(),
  nextChange: Type.Union([Type.Object({ open: Type.Boolean(), at: DateTime }), Type.Null()]),
  agentsOnline: Type.Integer(),
});
export type Availability = Static<typeof Availability>;

/**
 * An organization's widget: its public key (server-generated, rotatable) and
 * settings (the defaults until first saved; `updatedAt` null until then).
 */
export const OrganizationWidget = Type.Object({
  organizationId: Id,
  widgetKey: Type.String(),
  settings: WidgetSettings,
  updatedAt: Type.Union([DateTime, Type.Null()]),
});
export type OrganizationWidget = Static<typeof OrganizationWidget>;

/** A department's overrides (`{}` when it has none). */
export const DepartmentWidget = Type.Object({
  organizationId: Id,
  departmentId: Id,
  override: WidgetSettingsOverride,
  updatedAt: Type.Union([DateTime, Type.Null()]),
});
export type DepartmentWidget = Static<typeof DepartmentWidget>;

export const SettingsParams = {
  businessHours: Type.Object({ organizationId: Id, businessHoursId: Id }),
  departmentHours: Type.Object({ organizationId: Id, departmentId: Id, businessHoursId: Id }),
};
