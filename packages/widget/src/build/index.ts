import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { ERRORS } from '@parley/protocol/errors';

export { demoPage } from './demo-page.js';

/** One file of the widget as the server sends it, compressed once. */
export interface WidgetAsset {
  /** The URL path it is served at: `/widget.js`, `/widget/chat.<hash>.js`. */
  path: string;
  body: Buffer;
  gzip: Buffer;
  brotli: Buffer;
  /** A strong ETag (quoted), from the content. */
  etag: string;
}

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
 * The SDK reads only the HTTP status of each error code from the protocol's
 * catalogue; its English messages are for servers and docs. In the browser
 * bundle the catalogue is replaced by a code → { status } table generated
 * from the real one (about 1.3 KB gzip less for every visitor).
 */
function errorStatusesOnly(): Plugin {
  const statuses = Object.fromEntries(
    Object.entries(ERRORS).map(([code, e]) => [code, { status: e.status }]),
  );
  return {
    name: 'parley-error-statuses',
    setup(b) {
      b.onResolve({ filter: /^@parley\/protocol\/errors$/ }, () => ({ path: 'errors', namespace: 'parley' }));
      b.onLoad({ filter: /.*/, namespace: 'parley' }, () => ({
        contents: `export const ERRORS = ${JSON.stringify(statuses)};`,
        loader: 'js',
      }));
    },
  };
}

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
    const chunk = asset(`/widget/chat-${language}.${hash(code).slice(0, 12)}.js`, code);
    chunks.push(chunk);
    paths[language] = `.${chunk.path}`;
  }
  const loaderBuild = await build({
    ...common,
    entryPoints: [source('loader/index.ts')],
    define: { ...common.define, PARLEY_CHAT_PATHS: JSON.stringify(paths) },
  });
  return { loader: asset('/widget.js', loaderBuild.outputFiles![0]!.contents), chunks };
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

function asset(path: string, contents: Uint8Array): WidgetAsset {
  const body = Buffer.from(contents);
  return {
    path,
    body,
    gzip: gzipSync(body, { level: 9 }),
    brotli: brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
    etag: `"${hash(body).slice(0, 27)}"`,
  };
}

function hash(contents: Uint8Array): string {
  return createHash('sha256').update(contents).digest('base64url');
}
