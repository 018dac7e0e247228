import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { contentHash, errorStatusesOnly, servedAsset, type ServedAsset } from './bundling.js';

export { demoPage } from './demo-page.js';

/** One file of the widget as the server sends it: `/widget.js`, `/widget/chat-<lang>.<hash>.js`. */
export type WidgetAsset = ServedAsset;

export interface WidgetBundle {
  /** `widget.js`: short-lived cache, the embed tag names it. */
  loader: WidgetAsset;
  /** The chat, one per language (a visitor downloads one); content-hashed, immutable. */
  chunks: WidgetAsset[];
}

/** One chat chunk per language: a visitor downloads the words of one. */
export const LANGUAGES = ['en', 'fr'] as const;

const source = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

const common: BuildOptions = {
  bundle: true,
  write: false,
  minify: true,
  format: 'esm',
  platform: 'browser',
  // Class fields and optional chaining as written: every browser with Shadow DOM and module scripts has them.
  target: 'es2022',
  // Emoji and accents as UTF-8 rather than \u escapes (served with charset=utf-8).
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'silent',
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [errorStatusesOnly()],
};

/**
 * Bundles the widget from its TypeScript sources, in memory: the chat chunks
 * first (their hashes name them), then the loader, which is told their paths.
 * Two separate builds rather than code splitting: they share almost nothing,
 * and the loader stays one request with no shared chunk in front of it.
 */
export async function buildWidget(): Promise<WidgetBundle> {
  const chunks: WidgetAsset[] = [];
  const paths: Record<string, string> = {};
  for (const language of LANGUAGES) {
    const chatBuild = await build({
      ...common,
      entryPoints: [source('chat/index.ts')],
      define: { ...common.define, PARLEY_LANG: JSON.stringify(language) },
    });
    const code = chatBuild.outputFiles![0]!.contents;
    const chunk = servedAsset(`/widget/chat-${language}.${contentHash(code).slice(0, 12)}.js`, code);
    chunks.push(chunk);
    paths[language] = `.${chunk.path}`;
  }
  const loaderBuild = await build({
    ...common,
    entryPoints: [source('loader/index.ts')],
    define: { ...common.define, PARLEY_CHAT_PATHS: JSON.stringify(paths) },
  });
  return { loader: servedAsset('/widget.js', loaderBuild.outputFiles![0]!.contents), chunks };
}

let cached: Promise<WidgetBundle> | null = null;

/**
 * The widget, built once per process on first use (the sources do not change
 * while it runs). A failed build is forgotten so that the next request retries.
 */
export function widgetBundle(): Promise<WidgetBundle> {
  if (!cached) {
    cached = buildWidget();
    cached.catch(() => (cached = null));
  }
  return cached;
}
