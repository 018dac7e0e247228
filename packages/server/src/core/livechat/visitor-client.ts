import { CONVERSATION_LIMITS, type StartConversationClient, type VisitorClient } from '@parley/protocol';

/**
 * What the transport read from the start request's headers, raw. The user
 * agent and language come from here only: the body cannot claim them.
 */
export interface ClientHeaders {
  userAgent?: string | undefined;
  acceptLanguage?: string | undefined;
  /** The value of the operator's geolocation header; absent unless PARLEY_GEO_HEADER is set. */
  geo?: string | undefined;
}

// A BCP 47 language tag, loosely: `fr`, `fr-FR`, `zh-Hant-TW`.
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/** Trimmed, control characters turned into spaces, cut to `max`; null when nothing is left. */
function clean(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  const text = value.replace(CONTROL, ' ').trim().slice(0, max).trim();
  return text === '' ? null : text;
}

/** The first tag of an Accept-Language header, as sent; null for none, `*` or a malformed one. */
export function firstLanguage(header: string | undefined): string | null {
  const tag = header?.split(',')[0]?.split(';')[0]?.trim() ?? '';
  return tag.length <= CONVERSATION_LIMITS.languageLength && LANGUAGE_TAG.test(tag) ? tag : null;
}

/**
 * The visitor's client as recorded on a conversation the widget starts: the
 * headers' user agent, language and geolocation, and the body's time zone
 * and location (already checked against the schema).
 */
export function visitorClient(headers: ClientHeaders, body: StartConversationClient = {}): VisitorClient {
  return {
    userAgent: clean(headers.userAgent, CONVERSATION_LIMITS.userAgentLength),
    language: firstLanguage(headers.acceptLanguage),
    timeZone: body.timeZone ?? null,
    location: clean(body.location, CONVERSATION_LIMITS.locationLength),
    geo: clean(headers.geo, CONVERSATION_LIMITS.geoLength),
  };
}
