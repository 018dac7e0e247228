import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A page: its HTML is generated around one bundled ES module. */
export interface PageServer {
  /** `http://127.0.0.1:<port>`: the page's origin, to put on the server's allow-list. */
  origin: string;
  /** Serves `html` at `/<name>.html` and `js` at `/<name>.js`. */
  addPage(name: string, js: string, title?: string): void;
  /** Where `/v1/*` goes (HTTP and WebSocket upgrades). */
  setTarget(url: string): void;
  /**
   * Offline: every open proxied socket is destroyed and new `/v1` requests and
   * upgrades are refused (connection reset), as if the server were unreachable.
   */
  setOffline(offline: boolean): void;
  /** WebSocket upgrades proxied so far (counts reconnects). */
  upgrades(): number;
  close(): Promise<void>;
}

/**
 * A tiny same-origin front for the browser tests: static pages, and a reverse
 * proxy for `/v1` (REST and the WebSocket) to the real Parley server. The page
 * talks to one origin, like a site that serves Parley under its own domain; the
 * proxy rewrites `Host` so the server's origin check really consults
 * `allowedOrigins`. Going offline cuts the sockets at this hop, which is what a
 * browser sees when the network drops.
 */
export async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, { body: string; type: string }>();
  const live = new Set<Socket>();
  let target: URL | null = null;
  let offline = false;
  let upgradeCount = 0;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://page');
    if (url.pathname.startsWith('/v1/')) {
      if (offline || !target) return req.socket.destroy();
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('socket', (socket) => track(socket));
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
      return;
    }
    const page = pages.get(url.pathname);
    if (!page) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-store' }).end(page.body);
  });

  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (offline || !target || !req.url?.startsWith('/v1/')) return client.destroy();
    upgradeCount += 1;
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        const value = name.toLowerCase() === 'host' ? target!.host : req.rawHeaders[i + 1]!;
        lines.push(`${name}: ${value}`);
      }
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(client);
    track(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });

  function track(socket: Socket): void {
    live.add(socket);
    socket.on('close', () => live.delete(socket));
  }

  // The page keeps sockets alive between requests: they must not hold the server open.
  server.on('connection', (socket) => track(socket));

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    addPage(name, js, title = name) {
      pages.set(`/${name}.js`, { body: js, type: 'text/javascript; charset=utf-8' });
      pages.set(`/${name}.html`, {
        type: 'text/html; charset=utf-8',
        body: `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><div id="root"></div><script type="module" src="/${name}.js"></script></body></html>`,
      });
    },
    setTarget(url) {
      target = new URL(url);
    },
    setOffline(value) {
      offline = value;
      if (value) for (const socket of live) socket.destroy();
    },
    upgrades: () => upgradeCount,
    async close() {
      for (const socket of live) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
