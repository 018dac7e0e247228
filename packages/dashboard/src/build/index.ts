import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { ERRORS } from '@parley/protocol/errors';

/** One file of the dashboard as the server sends it, compressed once. */
export interface DashboardAsset {
  /** The URL path it is served at: `/app/assets/app.<hash>.js`. */
  path: string;
  contentType: string;
  body: Buffer;
  gzip: Buffer;
  brotli: Buffer;
  /** A strong ETag (quoted), from the content. */
  etag: string;
}

export interface DashboardBundle {
  /** The HTML shell served at `/app`: never cached, it names the hashed assets. */
  shell: DashboardAsset;
  /** The script, the stylesheet and the chunks loaded on demand; content-hashed, immutable. */
  assets: DashboardAsset[];
}

const source = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/**
 * The SDK reads only the HTTP status of each error code from the protocol's
 * catalogue (the same substitution as the widget's bundle): a code → { status }
 * table generated from the real one.
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
 * Bundles the dashboard from its TypeScript and CSS sources, in memory: one
 * script and one stylesheet (plain CSS), each named by its content hash, then
 * the HTML shell that names both.
 */
export async function buildDashboard(): Promise<DashboardBundle> {
  const result = await build({
    entryPoints: { app: source('app/main.ts'), styles: source('app/styles.css') },
    bundle: true,
    write: false,
    outdir: '/out',
    // Code loaded on demand (the reports' charting library) goes to its own chunk, named by esbuild's content hash.
    splitting: true,
    chunkNames: 'chunk.[name].[hash]',
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [errorStatusesOnly()],
  });
  const assets: DashboardAsset[] = [];
  const chunks: DashboardAsset[] = [];
  for (const file of result.outputFiles) {
    const ext = file.path.endsWith('.css') ? 'css' : 'js';
    const contentType = ext === 'css' ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    const name = file.path.split('/').pop()!;
    // Chunks keep esbuild's name (already content-hashed): the entry imports them by it, relatively.
    if (name.startsWith('chunk.')) chunks.push(asset(`/app/assets/${name}`, contentType, file.contents));
    else
      assets.push(
        asset(`/app/assets/app.${hash(file.contents).slice(0, 12)}.${ext}`, contentType, file.contents),
      );
  }
  const script = assets.find((a) => a.path.endsWith('.js'))!;
  const style = assets.find((a) => a.path.endsWith('.css'));
  assets.push(...chunks);
  const html = shellHtml(script.path, style?.path);
  return { shell: asset('/app', 'text/html; charset=utf-8', new TextEncoder().encode(html)), assets };
}

/** The page itself holds no text to translate: the app renders everything, in the agent's language. */
function shellHtml(script: string, style: string | undefined): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    '<title>Parley</title>',
    style ? `<link rel="stylesheet" href="${style}">` : '',
    `<script type="module" src="${script}"></script>`,
    '</head>',
    '<body><div id="app"></div><noscript>Parley needs JavaScript.</noscript></body>',
    '</html>',
  ].join('');
}

let cached: Promise<DashboardBundle> | null = null;

/**
 * The dashboard, built once per process on first use (the sources do not
 * change while it runs). A failed build is forgotten so that the next request retries.
 */
export function dashboardBundle(): Promise<DashboardBundle> {
  if (!cached) {
    cached = buildDashboard();
    cached.catch(() => (cached = null));
  }
  return cached;
}

function asset(path: string, contentType: string, contents: Uint8Array): DashboardAsset {
  const body = Buffer.from(contents);
  return {
    path,
    contentType,
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
