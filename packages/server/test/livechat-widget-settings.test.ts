import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  WIDGET_LIMITS,
  WidgetSettings,
  WidgetSettingsOverride,
  type WidgetSettingsOverride as Override,
  type WidgetSettings as Settings,
} from '@parley/protocol';
import { AppError } from '../src/core/errors.js';
import {
  checkWidgetSettings,
  defaultWidgetSettings,
  isOriginAllowed,
  normalizeOrigin,
  parseAcceptLanguage,
  pickLanguage,
  resolveWidgetSettings,
  validateOrigins,
} from '../src/core/livechat/widget-settings.js';

// As packages/server/src/http/validation.ts validates bodies: no coercion, no defaults, nothing removed.
const addFormats =
  (addFormatsModule as unknown as { default: typeof addFormatsModule }).default ?? addFormatsModule;
const ajv = new Ajv({
  allErrors: false,
  strict: false,
  removeAdditional: false,
  useDefaults: false,
  coerceTypes: false,
});
addFormats(ajv);
const validSettings = ajv.compile(WidgetSettings);
const validOverride = ajv.compile(WidgetSettingsOverride);

function settings(change: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    allowedOrigins: ['https://shop.example.com', 'http://localhost:5173'],
    title: 'Support',
    subtitle: 'We reply within minutes',
    color: '#1A2b3c',
    position: 'bottom-left',
    launcherText: 'Chat with us',
    welcomeMessages: ['Hello!', 'How can we help?'],
    language: 'fr',
    preChatForm: [
      { key: 'name', label: 'Nom', type: 'name', required: true },
      { key: 'email', label: 'E-mail', type: 'email', required: false },
      { key: 'order_id', label: 'Commande', type: 'text', required: false },
    ],
    offlineForm: { enabled: true, email: 'support@example.com' },
    fallbackContact: 'Call +33 1 23 45 67 89',
    ...change,
  };
}

function appError(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

const long = (n: number) => 'x'.repeat(n);

describe('WidgetSettings schema', () => {
  it('accepts complete settings, and the defaults', () => {
    expect(validSettings(settings()), JSON.stringify(validSettings.errors)).toBe(true);
    expect(validSettings(defaultWidgetSettings()), JSON.stringify(validSettings.errors)).toBe(true);
    expect(validSettings(settings({ offlineForm: { enabled: false, email: null } }))).toBe(true);
    expect(
      validSettings(settings({ subtitle: '', fallbackContact: '', welcomeMessages: [], preChatForm: [] })),
    ).toBe(true);
  });

  it.each([
    'https://example.com',
    'https://shop.example.co.uk:8443',
    'HTTPS://Example.COM',
    'https://xn--caf-dma.fr',
    'https://192.168.1.10',
    'http://localhost',
    'http://localhost:3000',
    'http://127.0.0.1:8080',
  ])('accepts the origin %s', (origin) => {
    expect(validSettings(settings({ allowedOrigins: [origin] }))).toBe(true);
  });

  it.each([
    'http://example.com',
    'https://example.com/',
    'https://example.com/path',
    'https://example.com?q=1',
    'https://*.example.com',
    'https://user@example.com',
    'https://example.com.',
    'https://-example.com',
    'https://exa_mple.com',
    'https://café.fr',
    'https://example.com:123456',
    'ftp://example.com',
    'example.com',
    'http://localhost.evil.com',
    'http://127.0.0.2',
    'null',
    '',
  ])('refuses the origin %j', (origin) => {
    expect(validSettings(settings({ allowedOrigins: [origin] }))).toBe(false);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a widget key (server-generated)', { widgetKey: 'wk_123' }],
    ['an unknown field', { theme: 'dark' }],
    ['a missing field', { title: undefined }],
    ['an empty title', { title: '' }],
    ['a long title', { title: long(WIDGET_LIMITS.titleLength + 1) }],
    ['a long subtitle', { subtitle: long(WIDGET_LIMITS.subtitleLength + 1) }],
    ['an empty launcher text', { launcherText: '' }],
    ['a long launcher text', { launcherText: long(WIDGET_LIMITS.launcherTextLength + 1) }],
    ['a three-digit colour', { color: '#fff' }],
    ['a named colour', { color: 'red' }],
    ['a colour with alpha', { color: '#11223344' }],
    ['a colour without #', { color: '112233' }],
    ['another position', { position: 'top-right' }],
    ['another language', { language: 'de' }],
    ['a region language', { language: 'fr-CA' }],
    ['too many welcome messages', { welcomeMessages: Array(WIDGET_LIMITS.welcomeMessages + 1).fill('Hi') }],
    ['an empty welcome message', { welcomeMessages: [''] }],
    ['a long welcome message', { welcomeMessages: [long(WIDGET_LIMITS.welcomeMessageLength + 1)] }],
    ['a welcome message that is not a string', { welcomeMessages: [42] }],
    ['too many origins', { allowedOrigins: Array(WIDGET_LIMITS.allowedOrigins + 1).fill('https://a.com') }],
    ['origins as a string', { allowedOrigins: 'https://a.com' }],
    ['an operator object', { title: { $ne: null } }],
    ['a number for a string (no coercion)', { subtitle: 5 }],
    ['a string for a boolean (no coercion)', { offlineForm: { enabled: 'true', email: null } }],
    ['an offline form without email', { offlineForm: { enabled: false } }],
    ['an invalid offline email', { offlineForm: { enabled: true, email: 'not-an-email' } }],
    ['an extra offline form field', { offlineForm: { enabled: false, email: null, cc: 'x@y.z' } }],
    ['a long fallback contact', { fallbackContact: long(WIDGET_LIMITS.fallbackContactLength + 1) }],
    [
      'too many pre-chat fields',
      {
        preChatForm: Array.from({ length: WIDGET_LIMITS.preChatFields + 1 }, (_, i) => ({
          key: `f${i}`,
          label: 'F',
          type: 'text',
          required: false,
        })),
      },
    ],
    [
      'a pre-chat field of another type',
      { preChatForm: [{ key: 'age', label: 'Age', type: 'number', required: false }] },
    ],
    ['a pre-chat field without required', { preChatForm: [{ key: 'name', label: 'Name', type: 'name' }] }],
    [
      'a pre-chat key with a space',
      { preChatForm: [{ key: 'first name', label: 'N', type: 'name', required: true }] },
    ],
    [
      'a pre-chat key starting with a digit',
      { preChatForm: [{ key: '1st', label: 'N', type: 'text', required: true }] },
    ],
    ['an empty pre-chat label', { preChatForm: [{ key: 'name', label: '', type: 'name', required: true }] }],
    [
      'an extra pre-chat property',
      { preChatForm: [{ key: 'name', label: 'N', type: 'name', required: true, placeholder: 'x' }] },
    ],
  ])('refuses %s', (_label, change) => {
    const body = settings(change);
    for (const [key, value] of Object.entries(change)) if (value === undefined) delete body[key];
    expect(validSettings(body)).toBe(false);
  });
});

describe('WidgetSettingsOverride schema', () => {
  it('accepts an empty override and any subset of fields', () => {
    expect(validOverride({})).toBe(true);
    expect(validOverride({ title: 'Sales', welcomeMessages: [] })).toBe(true);
    const { allowedOrigins: _origins, ...everythingElse } = settings();
    expect(validOverride(everythingElse), JSON.stringify(validOverride.errors)).toBe(true);
  });

  it('applies the same bounds as the settings', () => {
    expect(validOverride({ title: '' })).toBe(false);
    expect(validOverride({ color: 'blue' })).toBe(false);
    expect(validOverride({ welcomeMessages: Array(WIDGET_LIMITS.welcomeMessages + 1).fill('Hi') })).toBe(
      false,
    );
  });

  it('refuses unknown fields, the widget key, and allowed origins (organization-wide only)', () => {
    expect(validOverride({ theme: 'dark' })).toBe(false);
    expect(validOverride({ widgetKey: 'wk_1' })).toBe(false);
    expect(validOverride({ allowedOrigins: ['https://a.com'] })).toBe(false);
  });
});

describe('origins', () => {
  it('normalises as browsers serialise Origin', () => {
    expect(normalizeOrigin('HTTPS://Shop.Example.COM')).toBe('https://shop.example.com');
    expect(normalizeOrigin('https://example.com:443')).toBe('https://example.com');
    expect(normalizeOrigin('https://example.com:8443')).toBe('https://example.com:8443');
    expect(normalizeOrigin('http://LOCALHOST:80')).toBe('http://localhost');
    expect(normalizeOrigin('https://example.com:65536')).toBeNull();
    expect(normalizeOrigin('https://example.com:0')).toBeNull();
    expect(normalizeOrigin('https://example.com/')).toBeNull();
    expect(normalizeOrigin('null')).toBeNull();
  });

  it('validateOrigins normalises, drops duplicates and keeps order', () => {
    expect(
      validateOrigins([
        'https://B.example.com',
        'http://localhost:3000',
        'https://b.example.com:443',
        'https://a.com',
      ]),
    ).toEqual(['https://b.example.com', 'http://localhost:3000', 'https://a.com']);
    expect(validateOrigins([])).toEqual([]);
  });

  it('validateOrigins names the bad entry', () => {
    const err = appError(() => validateOrigins(['https://a.com', 'https://b.com', 'http://c.com']));
    expect(err.code).toBe('invalid_request');
    expect(err.details.field).toBe('allowedOrigins[2]');
  });

  it('isOriginAllowed matches exactly, scheme and port included', () => {
    const allowed = validateOrigins(['https://shop.example.com', 'http://localhost:5173']);
    expect(isOriginAllowed('https://shop.example.com', allowed)).toBe(true);
    expect(isOriginAllowed('https://shop.example.com:443', allowed)).toBe(true);
    expect(isOriginAllowed('http://localhost:5173', allowed)).toBe(true);
    expect(isOriginAllowed('http://shop.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('https://evil.shop.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('https://shop.example.com.evil.com', allowed)).toBe(false);
    expect(isOriginAllowed('http://localhost:5174', allowed)).toBe(false);
    expect(isOriginAllowed('null', allowed)).toBe(false);
    expect(isOriginAllowed(undefined, allowed)).toBe(false);
  });
});

describe('checkWidgetSettings', () => {
  it('returns settings ready to store, origins normalised, input untouched', () => {
    const input = settings({ allowedOrigins: ['HTTPS://A.com', 'https://a.com'] }) as Settings;
    const checked = checkWidgetSettings(input);
    expect(checked.allowedOrigins).toEqual(['https://a.com']);
    expect(input.allowedOrigins).toEqual(['HTTPS://A.com', 'https://a.com']);
    expect({ ...checked, allowedOrigins: input.allowedOrigins }).toEqual(input);
  });

  it('refuses duplicate pre-chat keys, naming the second', () => {
    const preChatForm = [
      { key: 'name', label: 'Name', type: 'name', required: true },
      { key: 'email', label: 'Email', type: 'email', required: true },
      { key: 'name', label: 'Other', type: 'text', required: false },
    ] as const;
    const err = appError(() => checkWidgetSettings(settings({ preChatForm }) as Settings));
    expect(err.code).toBe('invalid_request');
    expect(err.details.field).toBe('preChatForm[2].key');
    expect(appError(() => checkWidgetSettings({ preChatForm: [...preChatForm] })).details.field).toBe(
      'preChatForm[2].key',
    );
  });

  it('refuses an enabled offline form with no email, in settings and overrides', () => {
    const offlineForm = { enabled: true, email: null };
    expect(appError(() => checkWidgetSettings(settings({ offlineForm }) as Settings)).details.field).toBe(
      'offlineForm.email',
    );
    expect(appError(() => checkWidgetSettings({ offlineForm })).details.field).toBe('offlineForm.email');
    expect(checkWidgetSettings({ offlineForm: { enabled: false, email: null } })).toEqual({
      offlineForm: { enabled: false, email: null },
    });
  });

  it('accepts an override without touching fields it does not set', () => {
    expect(checkWidgetSettings({ title: 'Sales' })).toEqual({ title: 'Sales' });
  });
});

describe('resolveWidgetSettings', () => {
  const organization = settings() as Settings;

  it('is the organization settings without a department, or with an empty override', () => {
    expect(resolveWidgetSettings(organization)).toEqual(organization);
    expect(resolveWidgetSettings(organization, {})).toEqual(organization);
  });

  it('replaces each field the department sets and inherits the others', () => {
    const resolved = resolveWidgetSettings(organization, {
      title: 'Sales',
      color: '#ff0000',
      language: 'en',
    });
    expect(resolved).toEqual({ ...organization, title: 'Sales', color: '#ff0000', language: 'en' });
  });

  it('replaces arrays and the offline form whole, never merging', () => {
    const department: Override = {
      welcomeMessages: ['Sales here.'],
      preChatForm: [{ key: 'company', label: 'Company', type: 'text', required: true }],
      offlineForm: { enabled: true, email: 'sales@example.com' },
    };
    const resolved = resolveWidgetSettings(organization, department);
    expect(resolved.welcomeMessages).toEqual(['Sales here.']);
    expect(resolved.preChatForm).toEqual(department.preChatForm);
    expect(resolved.offlineForm).toEqual({ enabled: true, email: 'sales@example.com' });
    // An empty list means "none" for this department, not "inherit".
    expect(resolveWidgetSettings(organization, { welcomeMessages: [], preChatForm: [] })).toMatchObject({
      welcomeMessages: [],
      preChatForm: [],
    });
  });

  it('keeps empty strings as overrides and treats undefined as absent', () => {
    const resolved = resolveWidgetSettings(organization, { subtitle: '', title: undefined });
    expect(resolved.subtitle).toBe('');
    expect(resolved.title).toBe(organization.title);
  });

  it('never takes allowed origins from a department, even if one slips through untyped', () => {
    const sneaky = { allowedOrigins: ['https://evil.com'] } as unknown as Override;
    expect(resolveWidgetSettings(organization, sneaky).allowedOrigins).toEqual(organization.allowedOrigins);
  });

  it('returns a copy that shares nothing with its inputs', () => {
    const department: Override = { welcomeMessages: ['Hi'] };
    const resolved = resolveWidgetSettings(organization, department);
    resolved.welcomeMessages.push('changed');
    resolved.preChatForm[0]!.label = 'changed';
    resolved.allowedOrigins.pop();
    expect(department.welcomeMessages).toEqual(['Hi']);
    expect(organization.preChatForm[0]!.label).toBe('Nom');
    expect(organization.allowedOrigins).toHaveLength(2);
  });

  it('gives schema-valid settings', () => {
    expect(validSettings(resolveWidgetSettings(organization, { position: 'bottom-right', title: 'X' }))).toBe(
      true,
    );
  });
});

describe('parseAcceptLanguage', () => {
  it('orders tags by q-value, then by position', () => {
    expect(parseAcceptLanguage('fr-CA,fr;q=0.9,en;q=0.8,de;q=0.7')).toEqual(['fr-ca', 'fr', 'en', 'de']);
    expect(parseAcceptLanguage('en;q=0.5, fr-CA')).toEqual(['fr-ca', 'en']);
    expect(parseAcceptLanguage('de;q=0.8, en;q=0.8, fr;q=0.9')).toEqual(['fr', 'de', 'en']);
  });

  it('accepts spacing, case and other parameters', () => {
    expect(parseAcceptLanguage('  EN-us ; Q=0.4 ,fr ;q=1.000')).toEqual(['fr', 'en-us']);
    expect(parseAcceptLanguage('fr;level=1;q=0.5,en;q=0.4')).toEqual(['fr', 'en']);
  });

  it('drops refused (q=0), malformed and wildcard entries, and duplicates', () => {
    expect(parseAcceptLanguage('fr;q=0, en')).toEqual(['en']);
    expect(parseAcceptLanguage('fr;q=0.000,en;q=0.001')).toEqual(['en']);
    expect(parseAcceptLanguage('fr;q=2, en;q=abc, de;q=0.1234, es;q=-1, it')).toEqual(['it']);
    expect(parseAcceptLanguage('*, fr;q=0.5')).toEqual(['fr']);
    expect(parseAcceptLanguage('fr_FR, <script>, en--us, averyverylongtag, en')).toEqual(['en']);
    expect(parseAcceptLanguage('en, fr;q=0.5, EN;q=0.1')).toEqual(['en', 'fr']);
  });

  it('is empty for a missing or empty header', () => {
    expect(parseAcceptLanguage(undefined)).toEqual([]);
    expect(parseAcceptLanguage('')).toEqual([]);
    expect(parseAcceptLanguage(' , ;q=1')).toEqual([]);
  });

  it('reads at most 32 entries of a hostile header', () => {
    const header = `${Array.from({ length: 10_000 }, (_, i) => `x${i % 10}`).join(',')},fr`;
    expect(parseAcceptLanguage(header).length).toBeLessThanOrEqual(32);
    expect(parseAcceptLanguage(header)).not.toContain('fr');
  });
});

describe('pickLanguage', () => {
  it('uses a fixed setting whatever the visitor prefers', () => {
    expect(pickLanguage('fr', ['en-US', 'en'])).toBe('fr');
    expect(pickLanguage('en', ['fr'])).toBe('en');
  });

  it('with auto, takes the first preferred language that is supported, region dropped', () => {
    expect(pickLanguage('auto', ['fr-CA', 'en'])).toBe('fr');
    expect(pickLanguage('auto', ['de-DE', 'en-GB', 'fr'])).toBe('en');
    expect(pickLanguage('auto', ['de', 'FR_be'])).toBe('fr');
    expect(pickLanguage('auto', parseAcceptLanguage('de-CH, fr-CA;q=0.7, en;q=0.8'))).toBe('en');
    expect(pickLanguage('auto', parseAcceptLanguage('fr-CA,fr;q=0.9,en;q=0.8'))).toBe('fr');
  });

  it('falls back to English when nothing preferred is supported', () => {
    expect(pickLanguage('auto', [])).toBe('en');
    expect(pickLanguage('auto', ['de', 'ja', '*', ''])).toBe('en');
  });

  it('respects the supported list', () => {
    expect(pickLanguage('auto', ['fr-CA', 'en'], ['en'])).toBe('en');
    expect(pickLanguage('auto', ['de'], ['fr'])).toBe('fr');
    // A fixed setting the widget has no text for falls back to the visitor's preference.
    expect(pickLanguage('fr', ['de', 'en'], ['en'])).toBe('en');
  });
});
