import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'esbuild';
import { ERRORS } from '@parley/protocol/errors';

/**
 * What every browser bundle the server sends (the widget's, and the
 * dashboard's through `@parley/widget/build/bundling`) is built and served
 * with. It lives with the widget because the dashboard may depend on the
 * widget, never the other way round: the widget stays small and standalone.
 */

/** One file as the server sends it, compressed once. */
export interface ServedAsset {
  /** The URL path it is served at. */
  path: string;
  body: Buffer;
  gzip: Buffer;
  brotli: Buffer;
  /** A strong ETag (quoted), from the content. */
  etag: string;
}

/** Compresses `contents` once, at the highest levels: it is built once and sent many times. */
export function servedAsset(path: string, contents: Uint8Array): ServedAsset {
  const body = Buffer.from(contents);
  return {
    path,
    body,
    gzip: gzipSync(body, { level: 9 }),
    brotli: brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
    etag: `"${contentHash(body).slice(0, 27)}"`,
  };
}

/** SHA-256 of the content, base64url: file names take a prefix of it, ETags a longer one. */
export function contentHash(contents: Uint8Array): string {
  return createHash('sha256').update(contents).digest('base64url');
}

/**
 * The SDK reads only the HTTP status of each error code from the protocol's
 * catalogue; its English messages are for servers and docs. In a browser
 * bundle the catalogue is replaced by a code → { status } table generated
 * from the real one (about 1.3 KB gzip less for every visitor).
 */
export function errorStatusesOnly(): Plugin {
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
