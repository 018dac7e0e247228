/// <reference lib="dom" />
import type { StartConversationClient } from '@parley/protocol';

// The server's checks (protocol's StartConversationClient), repeated so that a value it would
// refuse is left out here: a strange time zone or location must never stop a visitor's chat.
const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
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
    typeof siteLocation === 'string' ? siteLocation.replace(CONTROL, ' ').trim().slice(0, 200).trim() : '';
  return {
    ...(typeof timeZone === 'string' && timeZone.length <= 64 && TIME_ZONE.test(timeZone) && { timeZone }),
    ...(location !== '' && { location }),
  };
}
