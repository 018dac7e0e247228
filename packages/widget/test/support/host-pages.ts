import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The site that embeds the widget: a tiny HTTP server on its own port, so the
 * page's origin differs from the Parley server's and CORS, the origin
 * allow-list and module-script loading are all real.
 */
export interface HostPages {
  origin: string;
  /** Serves `html` at `/<name>.html`. */
  set(name: string, html: string): string;
  close(): Promise<void>;
}

export async function startHostPages(): Promise<HostPages> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://host').pathname);
    if (html === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    set(name, html) {
      pages.set(`/${name}.html`, html);
      return `${origin}/${name}.html`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A shop-like page with the embed tag; `css` is the host's own styles (hostile ones included). */
export function hostPage(
  widgetSrc: string,
  attributes: Record<string, string>,
  options: { css?: string; body?: string } = {},
): string {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${value.replace(/"/g, '&quot;')}"`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host shop</title><style>${options.css ?? ''}</style></head><body><main><h1>Host shop</h1><p>Products.</p>${options.body ?? ''}</main>${
    widgetSrc ? `<script type="module" src="${widgetSrc}"${attrs}></script>` : ''
  }</body></html>`;
}
