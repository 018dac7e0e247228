import type { Redis } from 'ioredis';
import type { RateLimits } from '../core/ports/rate-limits.js';
import {
  closeRedis,
  connectRedis,
  defineScript,
  type RedisConnectionOptions,
  type RedisScript,
} from '../redis/connect.js';

export interface RedisRateLimitsOptions {
  /** Prepended to every key. Default `parley:`. */
  prefix?: string;
  /** Transport trouble (once per outage). Default `console.error`. */
  onError?: (err: unknown) => void;
}

/** How long an idle bucket outlives the moment it is full again (Redis clock), so skewed caller clocks keep it. */
const IDLE_GRACE_MS = 60_000;

// The same arithmetic as MemoryRateLimits, in one atomic step: refill by the caller's clock
// (never backwards), then take one token or say how many whole seconds to wait.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
at = math.max(at, now)
local wait = 0
if tokens < 1 then
  wait = math.max(1, math.ceil((1 - tokens) / rate))
else
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', at)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + tonumber(ARGV[4]))
return wait`;

/**
 * Token buckets in Redis, shared by every node: one hash per bucket
 * (`<prefix>ratelimit:<key>` with `tokens` and `at`), read, refilled and
 * taken from by one Lua script, so concurrent takes on any number of nodes
 * never hand out more than the bucket holds. Buckets follow the caller's
 * `nowMs`; a bucket idle long enough to be full again (plus a minute) expires
 * and takes no memory.
 *
 * Fails open: when Redis cannot be reached or does not answer within the
 * connection's command timeout, `take` resolves 0 (the request goes through)
 * and the trouble is reported to `onError`, once per outage.
 */
export class RedisRateLimits implements RateLimits {
  private readonly script: RedisScript;
  private outageReported = false;
  private closed = false;

  private constructor(
    private readonly client: Redis,
    private readonly owned: boolean,
    private readonly prefix: string,
    private readonly onError: (err: unknown) => void,
  ) {
    this.script = defineScript(client, 'parleyRateLimitTake', TAKE);
  }

  /** Opens its own Redis connection (closed by `close()`); rejects if Redis cannot be reached at boot. */
  static async open(options: RedisRateLimitsOptions & RedisConnectionOptions): Promise<RedisRateLimits> {
    const onError = options.onError ?? ((err: unknown) => console.error(err));
    const client = await connectRedis(options.url, {
      name: `${options.name ?? 'parley'}:ratelimits`,
      connectTimeoutMs: options.connectTimeoutMs,
      onError,
    });
    return new RedisRateLimits(client, true, options.prefix ?? 'parley:', onError);
  }

  /** Uses a connection the caller owns (from `connectRedis`); `close()` leaves it open. */
  static attach(client: Redis, options: RedisRateLimitsOptions = {}): RedisRateLimits {
    return new RedisRateLimits(
      client,
      false,
      options.prefix ?? 'parley:',
      options.onError ?? ((err: unknown) => console.error(err)),
    );
  }

  async take(key: string, rate: number, burst: number, nowMs: number): Promise<number> {
    if (!(rate > 0) || !(burst >= 1)) throw new RangeError(`invalid bucket: rate ${rate}, burst ${burst}`);
    if (this.closed) return 0;
    if (this.client.status !== 'ready') {
      this.failOpen(new Error(`Redis connection is ${this.client.status}`));
      return 0;
    }
    try {
      const wait = await this.script([`${this.prefix}ratelimit:${key}`], [rate, burst, nowMs, IDLE_GRACE_MS]);
      this.outageReported = false;
      return Number(wait);
    } catch (err) {
      this.failOpen(err);
      return 0;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.owned) await closeRedis(this.client);
  }

  private failOpen(err: unknown): void {
    if (this.outageReported) return;
    this.outageReported = true;
    this.onError(new Error('rate limits: Redis unavailable, letting requests through', { cause: err }));
  }
}
