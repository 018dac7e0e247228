/// <reference lib="dom" />
import type { StartConversationClient } from '@parley/protocol';

/**
 * The server's checks (protocol's StartConversationClient), applied here too so that a value it
 * would refuse is left out: a strange time zone or location must never stop a visitor's chat.
 * Written again rather than imported: the protocol's copies would bring the whole limits table
 * into the visitor's download. A test holds them equal to the protocol's.
 */
export const CLIENT_CHECKS = {
  timeZone: /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/,
  timeZoneLength: 64,
  locationLength: 200,
};
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/**
 * What the widget tells the server of the browser when it starts a
 * conversation: the time zone (agents see the visitor's local time) and the
 * location the site gave (`init({ location })` or `data-location`). The user
 * agent and language are not sent: the server reads them from the headers.
 */
export function clientInfo(siteLocation: string | undefined): StartConversationClient {
  let timeZone: string | undefined;
  try {
    timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    timeZone = undefined;
  }
  const location =
    typeof siteLocation === 'string'
      ? siteLocation.replace(CONTROL, ' ').trim().slice(0, CLIENT_CHECKS.locationLength).trim()
      : '';
  return {
    ...(typeof timeZone === 'string' &&
      timeZone.length <= CLIENT_CHECKS.timeZoneLength &&
      CLIENT_CHECKS.timeZone.test(timeZone) && { timeZone }),
    ...(location !== '' && { location }),
  };
}
