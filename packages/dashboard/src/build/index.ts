import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { contentHash, errorStatusesOnly, servedAsset, type ServedAsset } from '@parley/widget/build/bundling';

/** One file of the dashboard as the server sends it (`/app`, `/app/assets/app.<hash>.js`), compressed once. */
export interface DashboardAsset extends ServedAsset {
  contentType: string;
}

export interface DashboardBundle {
  /** The HTML shell served at `/app`: never cached, it names the hashed assets. */
  shell: DashboardAsset;
  /** The script, the stylesheet and the chunks loaded on demand; content-hashed, immutable. */
  assets: DashboardAsset[];
}

const source = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

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
        asset(
          `/app/assets/app.${contentHash(file.contents).slice(0, 12)}.${ext}`,
          contentType,
          file.contents,
        ),
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
  return { ...servedAsset(path, contents), contentType };
}
