import { Type, type Static } from '@sinclair/typebox';
import { DateTime, DisplayName, Id } from './common.js';
import { Availability, EmailAddress, WidgetSettings } from './livechat.js';

/*
 * The public visitor API (`/v1/widget/{widgetKey}/…`): what the embedded widget
 * calls before it holds any credential. Every route is checked against the
 * organization's allowed origins and rate-limited per IP.
 */

/**
 * Widget keys are made by the server (`wk_` and base64url); the pattern keeps
 * anything but that alphabet out of lookups. Any other well-formed key is a 404.
 */
export const WidgetKey = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const WidgetKeyParams = Type.Object({ widgetKey: WidgetKey });
export type WidgetKeyParams = Static<typeof WidgetKeyParams>;

/**
 * The settings a browser may see: everything but the allow-list (the server's
 * business) and the offline form's destination address (never shown to
 * visitors; the server sends the mail).
 */
export const PublicWidgetSettings = Type.Object({
  title: WidgetSettings.properties.title,
  subtitle: WidgetSettings.properties.subtitle,
  color: WidgetSettings.properties.color,
  position: WidgetSettings.properties.position,
  launcherText: WidgetSettings.properties.launcherText,
  welcomeMessages: WidgetSettings.properties.welcomeMessages,
  preChatForm: WidgetSettings.properties.preChatForm,
  offlineForm: Type.Object({ enabled: Type.Boolean() }),
  fallbackContact: WidgetSettings.properties.fallbackContact,
});
export type PublicWidgetSettings = Static<typeof PublicWidgetSettings>;

/**
 * Seed 001's widget configuration: the settings to render, the language to
 * speak (`en` or `fr`), and whether a live chat is possible now
 * (`online` = `availability.open && availability.agentsOnline > 0`);
 * otherwise the widget offers the offline form.
 */
export const WidgetConfig = Type.Object({
  organizationId: Id,
  departmentId: Type.Union([Id, Type.Null()]),
  language: Type.Union([Type.Literal('en'), Type.Literal('fr')]),
  settings: PublicWidgetSettings,
  availability: Availability,
  online: Type.Boolean(),
});
export type WidgetConfig = Static<typeof WidgetConfig>;

export const RegisterVisitorBody = Type.Object(
  {
    /** Shown to agents; "Visitor" when left out. */
    displayName: Type.Optional(DisplayName),
    email: Type.Optional(EmailAddress),
  },
  { additionalProperties: false },
);
export type RegisterVisitorBody = Static<typeof RegisterVisitorBody>;

/**
 * A visitor session. `visitorToken` is long-lived and secret: the widget keeps
 * it (local storage) to resume the same visitor later; it is returned on
 * registration only. `accessToken` is a short-lived user access token (scope
 * `chat`) for the REST API and the WebSocket, like any user's.
 */
export const VisitorSession = Type.Object({
  visitorId: Id,
  visitorToken: Type.Optional(Type.String()),
  accessToken: Type.String(),
  expiresAt: DateTime,
  /** The site's customer id once identified (`/visitors/identify`), else null. */
  customerId: Type.Union([Type.String(), Type.Null()]),
});
export type VisitorSession = Static<typeof VisitorSession>;

/** Visitor tokens are `vt_` and base64url. */
export const VisitorToken = Type.String({ minLength: 4, maxLength: 128, pattern: '^vt_[A-Za-z0-9_-]+$' });

export const ResumeVisitorBody = Type.Object({ visitorToken: VisitorToken }, { additionalProperties: false });
export type ResumeVisitorBody = Static<typeof ResumeVisitorBody>;

/**
 * Proof, computed by the site's backend, that the visitor is its logged-in
 * customer `userId`: `signature` = hex HMAC-SHA256 of `userId + "." +
 * timestamp` under the organization's identity secret (see docs/livechat.md).
 */
export const IdentifyVisitorBody = Type.Object(
  {
    visitorToken: VisitorToken,
    userId: Id,
    timestamp: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$' })]),
    signature: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
  },
  { additionalProperties: false },
);
export type IdentifyVisitorBody = Static<typeof IdentifyVisitorBody>;

export const IdentifiedVisitor = Type.Object({ visitorId: Id, customerId: Type.String() });
export type IdentifiedVisitor = Static<typeof IdentifiedVisitor>;

/** Write-only: at least 32 bytes (UTF-8), at most 512. Never returned by any route. */
export const IdentitySecretBody = Type.Object(
  { secret: Type.String({ minLength: 32, maxLength: 512 }) },
  { additionalProperties: false },
);
export type IdentitySecretBody = Static<typeof IdentitySecretBody>;
