import {
  SiteOrigin,
  WidgetSettingsOverride,
  type WidgetLanguage,
  type WidgetSettings,
} from '@parley/protocol';
import { AppError } from '../errors.js';

/*
 * Widget settings rules that a JSON schema cannot say: origin normalisation,
 * unique pre-chat keys, an offline form with somewhere to send it, how a
 * department's overrides combine with its organization's settings, and which
 * language a visitor gets.
 */

/** A language the widget has text for. */
export type Language = Exclude<WidgetLanguage, 'auto'>;
export const SUPPORTED_LANGUAGES: readonly Language[] = ['en', 'fr'];

/** Settings for a new organization: valid as they are, no origin allowed yet. */
export function defaultWidgetSettings(): WidgetSettings {
  return {
    allowedOrigins: [],
    title: 'Chat with us',
    subtitle: '',
    color: '#2563eb',
    position: 'bottom-right',
    launcherText: 'Chat',
    welcomeMessages: [],
    language: 'auto',
    preChatForm: [],
    offlineForm: { enabled: false, email: null },
    fallbackContact: '',
  };
}

const SITE_ORIGIN = new RegExp(SiteOrigin.pattern ?? '^$');

/**
 * The origin as browsers serialise it in the `Origin` header (lower-case
 * scheme and host, default port dropped), or null if it is not an allowed
 * shape (see `SiteOrigin`). Matching is exact: no wildcards, and a
 * localhost origin names its port.
 */
export function normalizeOrigin(value: string): string | null {
  if (!SITE_ORIGIN.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null; // port above 65535
  }
  return url.port === '0' ? null : url.origin;
}

/**
 * The allow-list to store: every entry normalised, duplicates (after
 * normalisation) dropped, order kept. An invalid entry is an
 * `invalid_request` naming it, e.g. `allowedOrigins[2]`.
 */
export function validateOrigins(origins: readonly string[]): string[] {
  const result = new Set<string>();
  origins.forEach((origin, index) => {
    const normalized = normalizeOrigin(origin);
    if (normalized === null) {
      throw new AppError(
        'invalid_request',
        'An allowed origin is https://host[:port], or http://localhost[:port] or http://127.0.0.1[:port].',
        { field: `allowedOrigins[${index}]` },
      );
    }
    result.add(normalized);
  });
  return [...result];
}

/**
 * Whether a request's `Origin` header is on a stored allow-list (one that
 * went through `validateOrigins`). A missing or opaque (`null`) origin never is.
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return false;
  const normalized = normalizeOrigin(origin);
  return normalized !== null && allowed.includes(normalized);
}

/**
 * Checks what the schema cannot on schema-valid settings or overrides, and
 * returns them ready to store (origins normalised). Throws `invalid_request`
 * with the field at fault.
 */
export function checkWidgetSettings<T extends WidgetSettings | WidgetSettingsOverride>(settings: T): T {
  const seen = new Set<string>();
  settings.preChatForm?.forEach((field, index) => {
    if (seen.has(field.key)) {
      throw new AppError('invalid_request', `The pre-chat field key "${field.key}" is used twice.`, {
        field: `preChatForm[${index}].key`,
      });
    }
    seen.add(field.key);
  });
  if (settings.offlineForm?.enabled && settings.offlineForm.email === null) {
    throw new AppError('invalid_request', 'An enabled offline form needs the email address to send it to.', {
      field: 'offlineForm.email',
    });
  }
  if ('allowedOrigins' in settings)
    return { ...settings, allowedOrigins: validateOrigins(settings.allowedOrigins) };
  return { ...settings };
}

// One source: the override schema's properties are the fields a department may override.
const OVERRIDABLE = Object.keys(WidgetSettingsOverride.properties) as (keyof WidgetSettingsOverride)[];

/**
 * The settings a department's widget uses: each overridable field the
 * department sets replaces the organization's whole value; absent fields
 * inherit. Arrays and the offline form are replaced, never merged: welcome
 * messages and pre-chat forms are designed as a whole (merging by index would
 * interleave two lists, merging pre-chat fields by key would leave no way to
 * drop an organization field), and `[]` must be able to mean "none here".
 * The result shares nothing with its inputs.
 */
export function resolveWidgetSettings(
  organization: WidgetSettings,
  department?: WidgetSettingsOverride,
): WidgetSettings {
  const overrides: Partial<WidgetSettings> = {};
  for (const key of department === undefined ? [] : OVERRIDABLE) {
    const value = department?.[key];
    if (value !== undefined) Object.assign(overrides, { [key]: value });
  }
  return structuredClone({ ...organization, ...overrides });
}

// RFC 5646 shape, loosely: a primary subtag and optional subtags, or the `*` wildcard.
const LANGUAGE_TAG = /^(?:[a-z]{1,8}(?:-[a-z0-9]{1,8})*|\*)$/;
const Q_VALUE = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/;
// Real browsers send a handful; the cap keeps a hostile header cheap.
const MAX_LANGUAGE_ENTRIES = 32;

/**
 * The language tags of an `Accept-Language` header, most preferred first
 * (by q-value, then by order in the header), lower-cased and without
 * duplicates. Entries with q=0 (refused), a malformed tag or q-value, and the
 * `*` wildcard are left out.
 */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (header === undefined) return [];
  const entries: { tag: string; q: number; index: number }[] = [];
  header
    .split(',')
    .slice(0, MAX_LANGUAGE_ENTRIES)
    .forEach((part, index) => {
      const [rawTag = '', ...params] = part.split(';');
      const tag = rawTag.trim().toLowerCase();
      if (!LANGUAGE_TAG.test(tag) || tag === '*') return;
      let q = 1;
      for (const param of params) {
        const [name = '', value = ''] = param.split('=');
        if (name.trim().toLowerCase() !== 'q') continue;
        if (!Q_VALUE.test(value.trim())) return;
        q = Number(value.trim());
      }
      if (q > 0) entries.push({ tag, q, index });
    });
  entries.sort((a, b) => b.q - a.q || a.index - b.index);
  return [...new Set(entries.map((entry) => entry.tag))];
}

/**
 * The language to show. A fixed setting wins when the widget has text for
 * it; with `auto`, the first of the visitor's preferred tags (from
 * `navigator.languages` or `parseAcceptLanguage`) whose primary subtag is
 * supported, so `fr-CA` gives `fr`; English otherwise (or the first
 * supported language if English is not).
 */
export function pickLanguage(
  setting: WidgetLanguage,
  preferred: readonly string[],
  supported: readonly Language[] = SUPPORTED_LANGUAGES,
): Language {
  if (setting !== 'auto' && supported.includes(setting)) return setting;
  for (const tag of preferred.slice(0, MAX_LANGUAGE_ENTRIES)) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
    const match = supported.find((language) => language === primary);
    if (match !== undefined) return match;
  }
  return supported.includes('en') ? 'en' : (supported[0] ?? 'en');
}
