/**
 * The closed catalogue of error codes. Every error the server returns, over REST
 * (`{ "error": { "code", "message" } }`) or over the WebSocket (`{ "type": "error" }`
 * frames), uses one of these codes with its HTTP status. `docs/errors.md` lists the
 * same table; a test keeps the two in sync.
 */
export const ERRORS = {
  invalid_request: { status: 400, message: 'The request is malformed or a field is invalid.' },
  link_invalid: { status: 400, message: 'This link is unknown, already used or expired: ask for a new one.' },
  unauthenticated: { status: 401, message: 'Credentials are missing: send an API key or access token.' },
  invalid_token: {
    status: 401,
    message: 'The access token is malformed, badly signed or not issued by this server.',
  },
  token_expired: { status: 401, message: 'The access token has expired.' },
  token_revoked: { status: 401, message: 'The access token has been revoked.' },
  invalid_api_key: { status: 401, message: 'The API key is unknown or revoked.' },
  invalid_visitor_token: { status: 401, message: 'The visitor token is unknown for this widget.' },
  identity_signature_invalid: { status: 401, message: 'The identity signature does not match.' },
  identity_signature_stale: {
    status: 401,
    message: 'The identity timestamp is too old or too far in the future.',
  },
  identity_signature_replayed: { status: 401, message: 'This identity signature was already used.' },
  invalid_credentials: { status: 401, message: 'The email or the password is wrong.' },
  forbidden: { status: 403, message: 'The caller is not allowed to do this.' },
  origin_not_allowed: {
    status: 403,
    message: "The request's Origin is not on the widget's allowed origins.",
  },
  route_not_found: { status: 404, message: 'No such route.' },
  user_not_found: { status: 404, message: 'No such user.' },
  thread_not_found: { status: 404, message: 'No such thread, or the caller is not a participant.' },
  message_not_found: { status: 404, message: 'No such message.' },
  participant_not_found: { status: 404, message: 'No such participant in this thread.' },
  api_key_not_found: { status: 404, message: 'No such API key.' },
  organization_not_found: { status: 404, message: 'No such organization.' },
  department_not_found: { status: 404, message: 'No such department in this organization.' },
  agent_not_found: { status: 404, message: 'No such agent in this organization.' },
  business_hours_not_found: { status: 404, message: 'No such business hours in this organization.' },
  widget_not_found: { status: 404, message: 'No widget has this key.' },
  canned_response_not_found: { status: 404, message: 'No such canned response in this organization.' },
  conversation_not_found: { status: 404, message: 'No such conversation for this caller.' },
  user_exists: { status: 409, message: 'A user with this id already exists.' },
  tenant_exists: { status: 409, message: 'A tenant with this id already exists.' },
  already_an_agent: { status: 409, message: 'This user is already an agent of an organization.' },
  setup_completed: { status: 409, message: 'This server is already set up: sign in instead.' },
  email_taken: { status: 409, message: 'An account with this email already exists.' },
  identity_not_configured: {
    status: 409,
    message: 'The organization has no identity secret: identification is disabled.',
  },
  visitor_identity_conflict: {
    status: 409,
    message: 'This visitor is already identified as another customer.',
  },
  client_message_id_conflict: {
    status: 409,
    message: 'This clientMessageId was already used for a different message in this thread.',
  },
  message_deleted: { status: 409, message: 'The message has been deleted.' },
  conversation_state_conflict: {
    status: 409,
    message: "The conversation's status does not allow this action.",
  },
  agent_unavailable: {
    status: 409,
    message: 'The agent cannot receive this conversation (offline, away or at capacity).',
  },
  offline_form_disabled: { status: 409, message: "The widget's offline form is turned off." },
  mail_not_configured: {
    status: 409,
    message: 'This server sends no email: PARLEY_SMTP_URL is not set, or the organization has no address.',
  },
  payload_too_large: { status: 413, message: 'The request body is larger than the server accepts.' },
  message_too_large: { status: 413, message: 'The message content is larger than the limit.' },
  unsupported_media_type: { status: 415, message: 'Send request bodies as application/json.' },
  participant_limit: { status: 422, message: 'The thread would exceed its participant limit.' },
  rate_limited: { status: 429, message: 'Too many requests; retry after the delay in Retry-After.' },
  internal_error: { status: 500, message: 'An unexpected error occurred.' },
  mail_failed: { status: 502, message: 'The mail server refused or could not take the message.' },
  service_unavailable: { status: 503, message: 'A dependency of the server is unavailable; retry shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The body of every error response and the `error` member of WebSocket error frames. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** Seconds to wait before retrying, present on `rate_limited`. */
    retryAfter?: number;
    /** Which field was wrong, when one field is to blame. */
    field?: string;
  };
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}
