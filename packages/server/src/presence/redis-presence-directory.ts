import type { Redis } from 'ioredis';
import type { PresenceDirectory } from '../core/ports/presence-directory.js';
import {
  closeRedis,
  connectRedis,
  defineScript,
  type RedisConnectionOptions,
  type RedisScript,
} from '../redis/connect.js';

export interface RedisPresenceDirectoryOptions {
  /** This node's id, unique among the live nodes (e.g. host, pid and a random suffix). */
  nodeId: string;
  /** Prepended to every key. Default `parley:`. */
  prefix?: string;
  /** How long a silent node keeps its users online. Default 15000 ms. */
  expiryMs?: number;
  /** Transport trouble and throwing listeners. Default `console.error`. */
  onError?: (err: unknown) => void;
}

/** Users reaped per script call, so reaping a big node never blocks Redis for long. */
const REAP_BATCH = 500;
/** Expiry reports kept for a listener that is not registered yet (see `onExpired`). */
const MAX_PENDING_REPORTS = 10_000;

// Counts of one user: hash field nodeId -> count, only positive counts stored. The user went
// online when the sum became 1, i.e. this field is 1 and the only one.
const CONNECT = `
local count = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('SADD', KEYS[2], ARGV[2])
if count == 1 and redis.call('HLEN', KEYS[1]) == 1 then return 1 end
return 0`;

// 1: offline everywhere now. 2: this node's field was gone (reaped or wiped): nothing changed.
const DISCONNECT = `
local count = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if count > 0 then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
if count < 0 then return 2 end
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
return 0`;

// 1 when the node had been forgotten (expired, reaped or wiped) and must re-assert its counts.
const HEARTBEAT = `
local fresh = redis.call('PEXPIRE', KEYS[2], ARGV[2])
local registered = redis.call('SISMEMBER', KEYS[1], ARGV[1])
if fresh == 1 and registered == 1 then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[1], ARGV[1])
return 1`;

// Registers the node and makes Redis hold exactly its counts (ARGV[4..]: member, count pairs).
// Returns the members it removed who are thereby offline everywhere.
const ASSERT = `
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[1], ARGV[1])
local keep = {}
for i = 4, #ARGV, 2 do
  keep[ARGV[i]] = true
  redis.call('HSET', ARGV[3] .. ARGV[i], ARGV[1], ARGV[i + 1])
  redis.call('SADD', KEYS[3], ARGV[i])
end
local offline = {}
for _, member in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if not keep[member] then
    local key = ARGV[3] .. member
    redis.call('HDEL', key, ARGV[1])
    redis.call('SREM', KEYS[3], member)
    if redis.call('EXISTS', key) == 0 then offline[#offline + 1] = member end
  end
end
return offline`;

// One batch of reaping a dead node. Each member is popped by exactly one call on one node, so each
// user it leaves offline is reported exactly once. The node leaves the registry when drained.
// Returns {members left (-1: not reapable), offline members...}.
const REAP = `
if redis.call('EXISTS', KEYS[2]) == 1 then return {-1} end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return {-1} end
local result = {0}
for _, member in ipairs(redis.call('SPOP', KEYS[3], ARGV[3])) do
  local key = ARGV[2] .. member
  redis.call('HDEL', key, ARGV[1])
  if redis.call('EXISTS', key) == 0 then result[#result + 1] = member end
end
local left = redis.call('SCARD', KEYS[3])
if left == 0 then redis.call('SREM', KEYS[1], ARGV[1]) end
result[1] = left
return result`;

// A clean goodbye: drop all of the node's counts and its registration.
const LEAVE = `
local offline = {}
for _, member in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local key = ARGV[2] .. member
  redis.call('HDEL', key, ARGV[1])
  if redis.call('EXISTS', key) == 0 then offline[#offline + 1] = member end
end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SREM', KEYS[1], ARGV[1])
return offline`;

/**
 * The PresenceDirectory over Redis, for several nodes (standalone Redis or
 * Sentinel; the scripts reach keys they compute, which Redis Cluster forbids).
 *
 * Keys, under the prefix:
 * - `presence:user:["<tenant>","<user>"]`: a hash of node id -> that node's
 *   connection count, changed only by Lua scripts, so the "came online" and
 *   "went offline" transitions are atomic across nodes.
 * - `presence:node:<id>:users`: the users the node holds counts for.
 * - `presence:node:<id>:alive`: the node's liveness, with a TTL of
 *   `expiryMs`, refreshed every `expiryMs / 3`.
 * - `presence:nodes`: the registry of nodes.
 *
 * Expiry: every `expiryMs / 3` each node looks for registered nodes whose
 * liveness key expired and reaps them in atomic batches; each member is popped
 * by one batch on one node, which reports each user thereby offline
 * everywhere to its `onExpired` listeners: once, on one node. A crashed
 * node's users are reported within about `4/3 · expiryMs`.
 *
 * Redis unreachable: the node keeps its own counts in a local mirror, so
 * `connected` and `disconnected` never throw and never wait: they update the
 * mirror and resolve `false` (a transition cannot be decided without the
 * other nodes), and `online` answers from this node's own counts. When Redis
 * is back (a reconnect, or a heartbeat finding the node forgotten after a
 * Redis restart, a wipe, or a partition longer than `expiryMs` during which
 * other nodes reaped it), the node re-asserts its counts: Redis then holds
 * exactly the mirror. Users who left this node meanwhile and are thereby
 * offline everywhere are reported to `onExpired`; users who arrived meanwhile
 * come back online without a report (the gateway's next `connected` or a
 * client's presence fetch shows them).
 *
 * `close()` removes the node's counts and registration, and reports to
 * `onExpired` the users it leaves offline everywhere.
 *
 * Connection: `open` gives the directory a connection of its own, so its
 * scripts never wait behind the bus's publishes and a crash test can drop it
 * alone; `attach` borrows one the caller owns (made by `connectRedis`).
 */
export class RedisPresenceDirectory implements PresenceDirectory {
  /** This node's connection counts, by member (`["tenant","user"]`): the truth it re-asserts. */
  private readonly local = new Map<string, number>();
  private readonly listeners: ((tenantId: string, userId: string) => void)[] = [];
  /** Reports made before any listener was registered (e.g. by the re-assertion in `open`). */
  private pending: [string, string][] = [];
  private readonly keys: { nodes: string; alive: string; users: string; userPrefix: string };
  private readonly scripts: Record<
    'connect' | 'disconnect' | 'heartbeat' | 'assert' | 'reap' | 'leave',
    RedisScript
  >;
  private readonly timer: NodeJS.Timeout;
  /** Redis may not hold the mirror: re-assert at the next tick. */
  private dirty = false;
  private ticking = false;
  private outageReported = false;
  private closed = false;

  private constructor(
    private readonly client: Redis,
    private readonly owned: boolean,
    private readonly nodeId: string,
    private readonly prefix: string,
    private readonly expiryMs: number,
    private readonly onError: (err: unknown) => void,
  ) {
    this.keys = {
      nodes: `${prefix}presence:nodes`,
      alive: this.nodeKey(nodeId, 'alive'),
      users: this.nodeKey(nodeId, 'users'),
      userPrefix: `${prefix}presence:user:`,
    };
    this.scripts = {
      connect: defineScript(client, 'parleyPresenceConnect', CONNECT),
      disconnect: defineScript(client, 'parleyPresenceDisconnect', DISCONNECT),
      heartbeat: defineScript(client, 'parleyPresenceHeartbeat', HEARTBEAT),
      assert: defineScript(client, 'parleyPresenceAssert', ASSERT),
      reap: defineScript(client, 'parleyPresenceReap', REAP),
      leave: defineScript(client, 'parleyPresenceLeave', LEAVE),
    };
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(expiryMs / 3)));
    this.timer.unref();
    client.on('ready', this.onReady);
  }

  /** A new connection may face a restarted Redis: make it hold this node's counts again. */
  private readonly onReady = () => void this.reassert().catch((err: unknown) => this.report(err));

  /** Opens its own Redis connection (closed by `close()`), registers the node and returns once Redis answered. */
  static async open(
    options: RedisPresenceDirectoryOptions & RedisConnectionOptions,
  ): Promise<RedisPresenceDirectory> {
    const onError = options.onError ?? ((err: unknown) => console.error(err));
    const client = await connectRedis(options.url, {
      name: `${options.name ?? 'parley'}:presence`,
      connectTimeoutMs: options.connectTimeoutMs,
      onError,
    });
    try {
      return await RedisPresenceDirectory.start(client, true, { ...options, onError });
    } catch (err) {
      await closeRedis(client);
      throw err;
    }
  }

  /**
   * Uses a connection the caller owns (from `connectRedis`, so that it fails
   * fast and reconnects by itself); `close()` leaves it open.
   */
  static attach(client: Redis, options: RedisPresenceDirectoryOptions): Promise<RedisPresenceDirectory> {
    return RedisPresenceDirectory.start(client, false, options);
  }

  private static async start(
    client: Redis,
    owned: boolean,
    options: RedisPresenceDirectoryOptions,
  ): Promise<RedisPresenceDirectory> {
    const directory = new RedisPresenceDirectory(
      client,
      owned,
      options.nodeId,
      options.prefix ?? 'parley:',
      options.expiryMs ?? 15_000,
      options.onError ?? ((err: unknown) => console.error(err)),
    );
    try {
      // Registers the node, and forgets what an earlier process with the same node id left behind.
      await directory.reassert();
    } catch (err) {
      directory.stop();
      throw err;
    }
    return directory;
  }

  async connected(tenantId: string, userId: string): Promise<boolean> {
    const member = memberOf(tenantId, userId);
    this.local.set(member, (this.local.get(member) ?? 0) + 1);
    if (!this.usable()) return false;
    try {
      const result = await this.scripts.connect(
        [this.userKey(member), this.keys.users],
        [this.nodeId, member],
      );
      this.outageReported = false;
      return result === 1;
    } catch (err) {
      this.dirty = true;
      this.report(err);
      return false;
    }
  }

  async disconnected(tenantId: string, userId: string): Promise<boolean> {
    const member = memberOf(tenantId, userId);
    const count = this.local.get(member) ?? 0;
    if (count === 0) return false;
    if (count === 1) this.local.delete(member);
    else this.local.set(member, count - 1);
    if (!this.usable()) return false;
    try {
      const result = await this.scripts.disconnect(
        [this.userKey(member), this.keys.users],
        [this.nodeId, member],
      );
      this.outageReported = false;
      if (result === 2) this.dirty = true;
      return result === 1;
    } catch (err) {
      this.dirty = true;
      this.report(err);
      return false;
    }
  }

  async online(tenantId: string, userIds: string[]): Promise<Set<string>> {
    const online = new Set<string>();
    if (userIds.length === 0) return online;
    if (this.usable()) {
      try {
        const pipeline = this.client.pipeline();
        for (const id of userIds) pipeline.exists(this.userKey(memberOf(tenantId, id)));
        const results = (await pipeline.exec()) ?? [];
        if (results.length !== userIds.length) throw new Error('EXISTS pipeline lost replies');
        results.forEach(([err, exists], i) => {
          if (err) throw err;
          if (exists === 1) online.add(userIds[i]!);
        });
        this.outageReported = false;
        return online;
      } catch (err) {
        this.report(err);
        online.clear();
      }
    }
    // Degraded: only what this node knows.
    for (const id of userIds) if (this.local.has(memberOf(tenantId, id))) online.add(id);
    return online;
  }

  /**
   * Registers a listener for users who went offline everywhere without a
   * `disconnected` saying so. Reports made before the first listener was
   * registered are delivered to it.
   */
  onExpired(listener: (tenantId: string, userId: string) => void): void {
    this.listeners.push(listener);
    const pending = this.pending;
    this.pending = [];
    for (const [tenantId, userId] of pending) this.call(listener, tenantId, userId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    if (this.client.status === 'ready') {
      try {
        const offline = await this.scripts.leave(
          [this.keys.nodes, this.keys.alive, this.keys.users],
          [this.nodeId, this.keys.userPrefix],
        );
        this.expired(asStrings(offline));
      } catch (err) {
        this.onError(err);
      }
    }
    this.local.clear();
    if (this.owned) await closeRedis(this.client);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.client.off('ready', this.onReady);
  }

  private usable(): boolean {
    if (this.closed) return false;
    if (this.client.status === 'ready') return true;
    this.dirty = true;
    return false;
  }

  /** Heartbeat, re-assertion when needed, then reaping of dead nodes. One tick at a time. */
  private async tick(): Promise<void> {
    if (this.ticking || this.closed || this.client.status !== 'ready') return;
    this.ticking = true;
    try {
      const forgotten = await this.scripts.heartbeat(
        [this.keys.nodes, this.keys.alive],
        [this.nodeId, this.expiryMs],
      );
      if (forgotten === 1 || this.dirty) await this.reassert();
      const nodes = await this.client.smembers(this.keys.nodes);
      for (const node of nodes) if (node !== this.nodeId && !this.closed) await this.reap(node);
      this.outageReported = false;
    } catch (err) {
      this.report(err);
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Makes Redis hold exactly the mirror. The snapshot is taken and the script
   * written in the same synchronous step, and the connection runs commands in
   * order, so a `connected`/`disconnected` issued later applies on top of it.
   */
  private async reassert(): Promise<void> {
    if (this.closed) return;
    this.dirty = false;
    const args: (string | number)[] = [this.nodeId, this.expiryMs, this.keys.userPrefix];
    for (const [member, count] of this.local) args.push(member, count);
    try {
      const offline = await this.scripts.assert([this.keys.nodes, this.keys.alive, this.keys.users], args);
      this.expired(asStrings(offline));
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  private async reap(node: string): Promise<void> {
    for (;;) {
      const result = asStrings(
        await this.scripts.reap(
          [this.keys.nodes, this.nodeKey(node, 'alive'), this.nodeKey(node, 'users')],
          [node, this.keys.userPrefix, REAP_BATCH],
        ),
      );
      const [left, ...offline] = result;
      this.expired(offline);
      if (!(Number(left) > 0) || this.closed) return;
    }
  }

  private expired(members: string[]): void {
    for (const member of members) {
      const parsed = parseMember(member);
      if (!parsed) continue;
      const [tenantId, userId] = parsed;
      if (this.listeners.length === 0) {
        if (this.pending.length < MAX_PENDING_REPORTS) this.pending.push(parsed);
        continue;
      }
      for (const listener of this.listeners) this.call(listener, tenantId, userId);
    }
  }

  private call(listener: (tenantId: string, userId: string) => void, tenantId: string, userId: string): void {
    try {
      listener(tenantId, userId);
    } catch (err) {
      this.onError(err);
    }
  }

  /** Once per outage: a gateway under load must not flood the log while Redis is away. */
  private report(err: unknown): void {
    if (this.outageReported) return;
    this.outageReported = true;
    this.onError(err);
  }

  private userKey(member: string): string {
    return this.keys.userPrefix + member;
  }

  private nodeKey(node: string, kind: 'alive' | 'users'): string {
    return `${this.prefix}presence:node:${node}:${kind}`;
  }
}

/** An unambiguous name for (tenant, user), whatever characters the ids hold. */
function memberOf(tenantId: string, userId: string): string {
  return JSON.stringify([tenantId, userId]);
}

function parseMember(member: string): [string, string] | undefined {
  try {
    const value: unknown = JSON.parse(member);
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // not one of ours
  }
  return undefined;
}

function asStrings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map((item) => String(item)) : [];
}
