// The visitor panel's one-line summary of a User-Agent header.
import { describe, expect, it } from 'vitest';
import { truncate, userAgentParts, userAgentSummary } from '../src/app/user-agent.js';

const UA = {
  chromeLinux:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  headlessChrome:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36',
  chromium:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/120.0.6099.224 Chrome/120.0.6099.224 Safari/537.36',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  chromeIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/123.0.6312.52 Mobile/15E148 Safari/604.1',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.2535.51',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0',
  firefoxLinux: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  firefoxIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/126.0 Mobile/15E148 Safari/605.1.15',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  safariIpad:
    'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  operaMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0',
  chromeOs:
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
};

describe('userAgentSummary', () => {
  it.each([
    [UA.chromeLinux, 'Chrome 156 on Linux'],
    [UA.headlessChrome, 'Chrome 131 on Linux'],
    [UA.chromium, 'Chromium 120 on Linux'],
    [UA.chromeAndroid, 'Chrome 124 on Android'],
    [UA.chromeIos, 'Chrome 123 on iOS'],
    [UA.edgeWindows, 'Edge 125 on Windows'],
    [UA.firefoxWindows, 'Firefox 126 on Windows'],
    [UA.firefoxLinux, 'Firefox 125 on Linux'],
    [UA.firefoxIos, 'Firefox 126 on iOS'],
    [UA.safariMac, 'Safari 17 on macOS'],
    [UA.safariIphone, 'Safari 17 on iOS'],
    [UA.safariIpad, 'Safari 16 on iOS'],
    [UA.operaMac, 'Opera 110 on macOS'],
    [UA.chromeOs, 'Chrome 124 on ChromeOS'],
  ])('%s → %s', (userAgent, summary) => {
    expect(userAgentSummary(userAgent)).toBe(summary);
  });

  it('joins browser and system with the translation given', () => {
    expect(userAgentSummary(UA.firefoxLinux, (b, os) => `${b} sur ${os}`)).toBe('Firefox 125 sur Linux');
  });

  it('names the browser alone when the system is unknown', () => {
    expect(userAgentSummary('Mozilla/5.0 (Plan 9) Gecko/20100101 Firefox/99.0')).toBe('Firefox 99');
    expect(userAgentParts('Mozilla/5.0 (Plan 9) Gecko/20100101 Firefox/99.0')).toEqual({
      browser: 'Firefox 99',
      os: null,
    });
  });

  it('shows an unknown browser as the raw string, cut', () => {
    expect(userAgentSummary('curl/8.5.0')).toBe('curl/8.5.0');
    expect(userAgentSummary('Mozilla/5.0 (Windows NT 10.0) SomeBot')).toBe(
      'Mozilla/5.0 (Windows NT 10.0) SomeBot',
    );
    const long = `MysteryBrowser/1.0 ${'x'.repeat(200)}`;
    const cut = userAgentSummary(long, undefined, 40);
    expect(cut).toHaveLength(40);
    expect(cut.endsWith('…')).toBe(true);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
  });

  it('truncates only what is too long', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
  });
});
