import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium. The tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether the browser suites run: Chromium is there, or CI demands it (and then fails loudly without it). */
export const browserAvailable = existsSync(CHROMIUM) || process.env.PARLEY_REQUIRE_SERVICES === '1';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Bundles a page module for the browser, the way an application would ship it:
 * one ES module, workspace packages resolved from their TypeScript sources.
 */
export async function bundlePage(entry: string, options: { minify?: boolean } = {}): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`../pages/${entry}`, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? false,
    sourcemap: 'inline',
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
