/**
 * WebSocket close codes used by the server, and the rule a client applies to each.
 *
 * - `reconnect`: reconnect with backoff and resume from the last positions seen.
 * - `refresh`: obtain a fresh access token first, then reconnect and resume.
 * - `stop`: do not reconnect; a person or the application must act.
 *
 * Ranges: 4000–4099 are transient (reconnect), 4100–4199 are about credentials
 * (refresh or stop). Standard codes keep their RFC 6455 meaning.
 */
export const CLOSE_CODES = {
  normal: { code: 1000, action: 'stop', reason: 'Closed normally.' },
  going_away: { code: 1001, action: 'reconnect', reason: 'The server is shutting down.' },
  frame_too_large: { code: 1009, action: 'reconnect', reason: 'A frame exceeded the frame size limit.' },
  internal_error: { code: 1011, action: 'reconnect', reason: 'The server hit an unexpected error.' },
  service_unavailable: {
    code: 1013,
    action: 'reconnect',
    reason: 'The database or message bus is unavailable; try again later.',
  },
  invalid_frame: {
    code: 4000,
    action: 'reconnect',
    reason: 'A frame was not valid JSON or not a known frame.',
  },
  slow_consumer: {
    code: 4001,
    action: 'reconnect',
    reason: 'The client read too slowly; its buffer overflowed.',
  },
  heartbeat_timeout: { code: 4002, action: 'reconnect', reason: 'No heartbeat answer in time.' },
  hello_timeout: { code: 4003, action: 'reconnect', reason: 'No hello frame in time after connecting.' },
  unauthenticated: { code: 4100, action: 'stop', reason: 'The access token is missing or invalid.' },
  token_expired: { code: 4101, action: 'refresh', reason: 'The access token expired.' },
  token_revoked: { code: 4102, action: 'refresh', reason: "The user's tokens were revoked." },
  origin_not_allowed: { code: 4103, action: 'stop', reason: 'The Origin is not on the allow-list.' },
  user_deleted: { code: 4104, action: 'stop', reason: 'The user was deleted.' },
} as const satisfies Record<
  string,
  { code: number; action: 'reconnect' | 'refresh' | 'stop'; reason: string }
>;

export type CloseName = keyof typeof CLOSE_CODES;
export type CloseAction = 'reconnect' | 'refresh' | 'stop';

/** What a client should do after the socket closed with `code`. Unknown codes reconnect. */
export function closeAction(code: number): CloseAction {
  for (const entry of Object.values(CLOSE_CODES)) if (entry.code === code) return entry.action;
  if (code >= 4100 && code < 4200) return 'stop';
  return 'reconnect';
}
