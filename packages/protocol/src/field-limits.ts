/**
 * The bounds the schemas put on fields, apart from the schemas and free of
 * any schema library: browser bundles (the dashboard) import this subpath to
 * set the same bounds on their inputs.
 */

/** The widget settings an admin edits (`schemas/livechat.ts`). */
export const WIDGET_LIMITS = {
  allowedOrigins: 100,
  originLength: 270,
  titleLength: 80,
  subtitleLength: 160,
  launcherTextLength: 40,
  welcomeMessages: 5,
  welcomeMessageLength: 500,
  preChatFields: 10,
  preChatLabelLength: 80,
  emailLength: 254,
  fallbackContactLength: 500,
} as const;

/** Dashboard accounts (`schemas/accounts.ts`). */
export const ACCOUNT_LIMITS = {
  passwordMinLength: 10,
  passwordMaxLength: 256,
  /** Dashboard sessions last this long; signing in again starts a new one. */
  sessionSeconds: 12 * 3600,
  /** Password-reset and invitation links stay valid this long. */
  resetLinkSeconds: 3600,
  invitationSeconds: 7 * 24 * 3600,
} as const;
