import type { ParleyError } from '../errors.js';

/** Close codes the client reports for failures it detects itself (they are the server's codes for the same). */
export const CLIENT_CLOSE = {
  heartbeat: { code: 4002, reason: 'The server stopped answering pings.' },
  connect: { code: 4003, reason: 'No ready frame in time after connecting.' },
  expiredToken: {
    code: 4101,
    reason: 'The credential returned an expired token, even when asked to refresh.',
  },
} as const;

/** The `ParleyError` code for a close that stops the session. */
export function closeErrorCode(code: number): ParleyError['code'] {
  switch (code) {
    case 4100:
      return 'unauthenticated';
    case 4101:
      return 'token_expired';
    case 4102:
      return 'token_revoked';
    case 4103:
    case 4104:
      return 'forbidden';
    default:
      return 'network_error';
  }
}
