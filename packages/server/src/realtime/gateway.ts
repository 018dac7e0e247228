import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import type { EphemeralEvent } from '@parley/protocol';
import { knownError, type Core } from '../core/index.js';
import { topics, type UserControl } from '../core/ports/bus.js';
import type { Metrics } from '../metrics.js';
import { Connection } from './connection.js';
import { Subscriptions } from './subscriptions.js';
import { parseClientFrame } from './client-frames.js';
import { handleCommand, startSession, type SessionContext } from './session.js';
import { replayThread } from './replay.js';
import { BusRecovery } from './bus-recovery.js';

export interface GatewayOptions {
  path: string;
  heartbeatIntervalMs: number;
  /** Origins allowed for browser connections; `*` allows any. Same-origin is always allowed. */
  allowedOrigins: string[];
  helloTimeoutMs: number;
  /** With a bus that may lose messages: how often open threads are checked against the Store. */
  catchUpIntervalMs: number;
}

/**
 * The WebSocket transport at /v1/realtime: authenticates with a `hello`
 * frame, follows the user's threads, and turns client frames into the same
 * domain actions as REST. Holds no permission rule of its own.
 */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly userTopics = new Map<string, () => Promise<void>>();
  private readonly presenceTopics = new Map<string, { count: number; off: Promise<() => Promise<void>> }>();
  private readonly subscriptions: Subscriptions;
  private readonly session: SessionContext;
  private readonly ticker: NodeJS.Timeout;
  private readonly recovery: BusRecovery;
  private lastHeartbeat = 0;
  private sequence = 0;

  constructor(
    private readonly core: Core,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
    private readonly options: GatewayOptions,
  ) {
    const { limits } = core.deps.config;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: limits.frameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.subscriptions = new Subscriptions(core.deps.bus, core.deps.store, (n) => metrics.deliveries.inc(n));
    this.session = {
      core,
      subscriptions: this.subscriptions,
      metrics,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      attach: (c) => this.attach(c),
    };
    this.ticker = setInterval(() => this.tick(), Math.min(1000, options.heartbeatIntervalMs));
    this.ticker.unref();
    this.recovery = new BusRecovery(
      core,
      this.subscriptions,
      () => this.connections,
      (connection, threadId, pos) => this.followNewThread(connection, threadId, pos),
      metrics,
      log,
      options.catchUpIntervalMs,
    );
    this.recovery.start();
  }

  /** Takes over HTTP upgrades on the gateway's path. */
  attachTo(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== this.options.path) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.open(ws, request));
    });
  }

  get size(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    this.recovery.stop();
    for (const connection of [...this.connections]) connection.close('going_away');
    await this.subscriptions.closeAll();
    for (const off of this.userTopics.values()) await off();
    for (const { off } of this.presenceTopics.values()) await (await off)();
    this.wss.close();
  }

  private open(ws: WebSocket, request: IncomingMessage): void {
    const connection = new Connection(
      `conn_${process.pid.toString(36)}_${(++this.sequence).toString(36)}`,
      ws,
      Date.now(),
      this.core.deps.config.limits.socketBufferBytes,
      (_connection, reason) => this.metrics.closes.labels(reason).inc(),
    );
    this.connections.add(connection);
    this.metrics.connections.inc();
    ws.on('close', () => this.detach(connection));
    ws.on('error', () => ws.terminate());
    ws.on('pong', () => {
      connection.alive = true;
    });
    // Frames of one connection are handled one after another, in arrival order, once the origin
    // is known to be allowed (a closing connection ignores its frames).
    let queue: Promise<void> = this.originAllowed(request).then(
      (ok) => void (ok || connection.close('origin_not_allowed')),
      () => connection.close('origin_not_allowed'),
    );
    ws.on('message', (data, isBinary) => {
      connection.alive = true;
      const text = isBinary ? null : Array.isArray(data) ? Buffer.concat(data).toString() : data.toString();
      queue = queue
        .then(() => this.onFrame(connection, text))
        .catch((err: unknown) => {
          this.log.error({ err }, 'realtime frame failed');
        });
    });
  }

  private async onFrame(connection: Connection, text: string | null): Promise<void> {
    if (connection.closing) return;
    const parsed = text === null ? ({ ok: false, fatal: true } as const) : parseClientFrame(text);
    if (!parsed.ok) {
      if (parsed.fatal) return connection.close('invalid_frame');
      if (connection.actor) {
        connection.send({
          type: 'error',
          ...(parsed.id !== undefined && { id: parsed.id }),
          error: { code: 'invalid_request', message: parsed.message },
        });
        return;
      }
      return connection.close('unauthenticated');
    }
    if (!connection.actor) {
      if (parsed.frame.type !== 'hello') return connection.close('unauthenticated');
      try {
        return await startSession(this.session, connection, parsed.frame);
      } catch (err) {
        // A session half set up is of no use: the client reconnects and resumes elsewhere or later.
        const unavailable = knownError(err)?.code === 'service_unavailable';
        connection.close(unavailable ? 'service_unavailable' : 'internal_error');
        if (!unavailable) throw err;
        return;
      }
    }
    return handleCommand(this.session, connection, parsed.frame);
  }

  /**
   * Browsers from the configured origins, the server's own, and the sites
   * that embed a widget (a visitor's page connects from there).
   */
  private async originAllowed(request: IncomingMessage): Promise<boolean> {
    const origin = request.headers.origin;
    if (!origin) return true; // not a browser: tokens, not origins, protect it
    const allowed = this.options.allowedOrigins;
    if (allowed.includes('*') || allowed.includes(origin)) return true;
    try {
      if (new URL(origin).host === request.headers.host) return true;
    } catch {
      return false;
    }
    return this.core.visitors.isEmbeddingOrigin(origin);
  }

  /** Registers an authenticated connection: user controls and presence. */
  private async attach(connection: Connection): Promise<void> {
    const actor = connection.actor;
    if (!actor || !this.connections.has(connection)) return;
    const userKey = `${actor.tenantId}:${actor.userId}`;
    let set = this.byUser.get(userKey);
    if (!set) {
      set = new Set();
      this.byUser.set(userKey, set);
      const off = await this.core.deps.bus.subscribe(topics.user(actor.tenantId, actor.userId), (payload) =>
        this.onUserControl(userKey, payload as UserControl),
      );
      this.userTopics.set(userKey, off);
    }
    set.add(connection);
    let presence = this.presenceTopics.get(actor.tenantId);
    if (!presence) {
      presence = {
        count: 0,
        off: this.core.deps.bus.subscribe(
          topics.presence(actor.tenantId),
          (payload) => void this.onPresence(actor.tenantId, payload as EphemeralEvent),
        ),
      };
      this.presenceTopics.set(actor.tenantId, presence);
    }
    presence.count++;
    await presence.off;
    await this.core.presence.connected(actor.tenantId, actor.userId);
  }

  private detach(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    this.metrics.connections.dec();
    connection.closing = true;
    const actor = connection.actor;
    if (!actor) return;
    for (const threadId of [...connection.threads])
      void this.subscriptions.unfollow(connection, actor.tenantId, threadId);
    const userKey = `${actor.tenantId}:${actor.userId}`;
    const set = this.byUser.get(userKey);
    set?.delete(connection);
    if (set && set.size === 0) {
      this.byUser.delete(userKey);
      const off = this.userTopics.get(userKey);
      this.userTopics.delete(userKey);
      void off?.();
    }
    const presence = this.presenceTopics.get(actor.tenantId);
    if (presence && --presence.count === 0) {
      this.presenceTopics.delete(actor.tenantId);
      void presence.off.then((off) => off());
    }
    void this.core.presence.disconnected(actor.tenantId, actor.userId);
  }

  private onUserControl(userKey: string, control: UserControl): void {
    const set = this.byUser.get(userKey);
    if (!set) return;
    for (const connection of [...set]) {
      if (control.type === 'tokens.revoked') connection.close('token_revoked');
      else if (control.type === 'user.deleted') connection.close('user_deleted');
      else if (control.type === 'session.revoked') {
        if (connection.actor?.sessionId === control.sessionId) connection.close('token_revoked');
      } else if (control.type === 'event')
        connection.deliverEphemeral(Buffer.from(JSON.stringify(control.event)));
      else void this.followNewThread(connection, control.threadId, control.pos);
    }
  }

  /** A user joined a thread: follow it and replay from the join, so nothing between is missed. */
  private async followNewThread(connection: Connection, threadId: string, joinPos: number): Promise<void> {
    const actor = connection.actor;
    if (!actor || connection.closing || connection.threads.has(threadId) || connection.isHolding(threadId))
      return;
    connection.holdThread(threadId);
    await this.subscriptions.follow(connection, actor.tenantId, threadId);
    const budget = { remaining: this.core.deps.config.limits.resumeMaxEvents };
    const outcome = await replayThread(
      this.core.deps.store,
      connection,
      actor.tenantId,
      threadId,
      joinPos - 1,
      budget,
    );
    if ('resync' in outcome) connection.send({ type: 'resync_required', threadId, reason: outcome.resync });
  }

  /** Presence goes to the local connections that share a thread with the user. */
  private async onPresence(tenantId: string, event: EphemeralEvent): Promise<void> {
    if (event.type !== 'presence') return;
    const threadIds = await this.core.deps.store.threadIdsForUser(tenantId, event.userId);
    const frame = Buffer.from(JSON.stringify(event));
    const sent = new Set<Connection>();
    for (const threadId of threadIds) {
      const channel = this.subscriptions.channel(tenantId, threadId);
      if (!channel) continue;
      for (const connection of channel.followers) {
        if (sent.has(connection) || connection.actor?.userId === event.userId) continue;
        sent.add(connection);
        connection.deliverEphemeral(frame);
      }
    }
  }

  /** Once a second: hello deadlines and token expiry; every heartbeat interval: ping, and cut the silent. */
  private tick(): void {
    const now = Date.now();
    const heartbeat = now - this.lastHeartbeat >= this.options.heartbeatIntervalMs;
    if (heartbeat) this.lastHeartbeat = now;
    for (const connection of this.connections) {
      if (connection.closing) continue;
      if (!connection.actor) {
        if (now - connection.openedAt > this.options.helloTimeoutMs) connection.close('hello_timeout');
        continue;
      }
      if (this.core.deps.clock.now() >= connection.actor.expiresAt) {
        connection.close('token_expired');
        continue;
      }
      if (!heartbeat) continue;
      if (!connection.alive) {
        connection.close('heartbeat_timeout');
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}
