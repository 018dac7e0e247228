/*
 * A short, human summary of a User-Agent header for the visitor panel
 * ("Chrome 156 on Linux"). Deliberately small: the common browsers and
 * systems only, matched in an order where the more specific token wins
 * (Edge and Opera also say "Chrome"; Chrome also says "Safari"; Android
 * also says "Linux", iOS "like Mac OS X").
 */

export interface UserAgentParts {
  /** The browser's name and major version ("Chrome 156"), or null when unknown. */
  browser: string | null;
  os: string | null;
}

const BROWSERS: [name: string, pattern: RegExp][] = [
  ['Edge', /\b(?:Edg|EdgA|EdgiOS|Edge)\/(\d+)/],
  ['Opera', /\b(?:OPR|OPiOS|Opera)\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chromium', /\bChromium\/(\d+)/],
  ['Chrome', /\b(?:HeadlessChrome|Chrome|CriOS)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)(?:[.\d]*)?(?: Mobile\/\S+)? Safari\//],
];

const SYSTEMS: [name: string, pattern: RegExp][] = [
  ['Windows', /\bWindows\b/],
  ['iOS', /\b(?:iPhone|iPad|iPod)\b/],
  ['Android', /\bAndroid\b/],
  ['ChromeOS', /\bCrOS\b/],
  ['macOS', /\bMac OS X\b|\bMacintosh\b/],
  ['Linux', /\bLinux\b/],
];

export function userAgentParts(userAgent: string): UserAgentParts {
  let browser: string | null = null;
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(userAgent);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const os = SYSTEMS.find(([, pattern]) => pattern.test(userAgent))?.[0] ?? null;
  return { browser, os };
}

/** At most `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * "Chrome 156 on Linux" (`on` puts the two together, for translations),
 * "Chrome 156" when the system is unknown, and the raw string cut to `max`
 * characters when the browser is.
 */
export function userAgentSummary(
  userAgent: string,
  on: (browser: string, os: string) => string = (browser, os) => `${browser} on ${os}`,
  max = 80,
): string {
  const { browser, os } = userAgentParts(userAgent);
  if (browser === null) return truncate(userAgent.trim(), max);
  return os === null ? browser : on(browser, os);
}
