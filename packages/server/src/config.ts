import { DEFAULT_LIMITS, type Limits } from '@parley/protocol';
import { isMailAddress } from './core/ports/mailer.js';

/**
 * The server's whole configuration, read from environment variables in one
 * place: defaults here, validated at boot, and an unknown `PARLEY_*` variable
 * is an error (a typo must not silently fall back to a default). Secrets are
 * separate: the token secret is never printed.
 */
export interface ServerConfig {
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  dataDir: string;
  /** Origins allowed for browser WebSocket connections; `*` allows any. The server's own origin is always allowed. */
  allowedOrigins: string[];
  bootstrapApiKey: string | undefined;
  tokenTtlSeconds: number;
  heartbeatIntervalMs: number;
  sqliteSynchronous: 'full' | 'normal';
  /** PostgreSQL instead of SQLite (several nodes); see the README's deployment guide. */
  databaseUrl: string | undefined;
  /** Redis for the bus, presence and rate limits across nodes. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel, so deployments can share one Redis. */
  redisPrefix: string;
  postgresPoolSize: number;
  /** Apply pending migrations at start; off when an operator runs `npm run migrate` instead. */
  autoMigrate: boolean;
  /** With a networked bus: how often a node checks the Store for events the bus did not bring. */
  catchUpIntervalMs: number;
  /** This process in the cluster (presence); generated when not set. */
  nodeId: string | undefined;
  /** The SMTP server outgoing mail goes through; without it mail is disabled (refused, never dropped). Holds a password: never print it. */
  smtpUrl: string | undefined;
  /** The `From` of outgoing mail: `noreply@example.com` or `Name <noreply@example.com>`. Required with `smtpUrl`. */
  mailFrom: string | undefined;
  /**
   * Live chat: seconds an assigned agent has to answer before requeue (0: never); agents' away grace;
   * timer tick; the first wait before retrying a transcript the mail server did not take (doubling).
   */
  livechat: {
    answerTimeoutSeconds: number;
    awayGraceSeconds: number;
    tickMs: number;
    transcriptRetrySeconds: number;
  };
  /**
   * Whose X-Forwarded-For to believe for the client address (rate limits): `false` (the default: the
   * socket's peer), `true` (any), or a comma-separated list of proxy addresses or CIDRs.
   */
  trustProxy: boolean | string;
  /**
   * The request header a trusted reverse proxy sets to the visitor's location (`cf-ipcountry`),
   * recorded on conversations the widget starts; lower case. Off (undefined) by default: without
   * a proxy that always sets it, anyone could send it.
   */
  geoHeader: string | undefined;
  /** The public base URL for links in mail; defaults to http://localhost:PORT. */
  publicUrl: string | undefined;
  /** Serve `/demo` (a shop page with the widget) with its demo organization and agent. */
  demo: boolean;
  limits: Limits;
  secrets: { tokenSecret: string | undefined };
}

type Spec =
  | { kind: 'int'; min: number; max: number; apply: (c: ServerConfig, v: number) => void }
  | {
      kind: 'url';
      protocols: readonly string[];
      /** A further check of the parsed URL; its message must not quote the URL (it may hold a password). */
      check?: (url: URL) => string | null;
      apply: (c: ServerConfig, v: string) => void;
    }
  | { kind: 'mailbox'; apply: (c: ServerConfig, v: string) => void }
  | { kind: 'string'; apply: (c: ServerConfig, v: string) => void }
  | { kind: 'header'; apply: (c: ServerConfig, v: string) => void }
  | { kind: 'enum'; values: readonly string[]; apply: (c: ServerConfig, v: string) => void };

const limit = (key: keyof Limits, min: number, max: number): Spec => ({
  kind: 'int',
  min,
  max,
  apply: (c, v) => {
    c.limits[key] = v;
  },
});

/** Every variable the server reads, with its bounds. The README's configuration table mirrors this. */
export const CONFIG_SPEC: Record<string, Spec> = {
  PORT: { kind: 'int', min: 0, max: 65535, apply: (c, v) => void (c.port = v) },
  HOST: { kind: 'string', apply: (c, v) => void (c.host = v) },
  LOG_LEVEL: {
    kind: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    apply: (c, v) => void (c.logLevel = v as ServerConfig['logLevel']),
  },
  PARLEY_DATA_DIR: { kind: 'string', apply: (c, v) => void (c.dataDir = v) },
  PARLEY_ALLOWED_ORIGINS: {
    kind: 'string',
    apply: (c, v) =>
      void (c.allowedOrigins = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)),
  },
  PARLEY_BOOTSTRAP_API_KEY: { kind: 'string', apply: (c, v) => void (c.bootstrapApiKey = v) },
  PARLEY_TOKEN_SECRET: { kind: 'string', apply: (c, v) => void (c.secrets.tokenSecret = v) },
  PARLEY_TOKEN_TTL_SECONDS: {
    kind: 'int',
    min: 60,
    max: 30 * 24 * 3600,
    apply: (c, v) => void (c.tokenTtlSeconds = v),
  },
  PARLEY_HEARTBEAT_INTERVAL_MS: {
    kind: 'int',
    min: 100,
    max: 600_000,
    apply: (c, v) => void (c.heartbeatIntervalMs = v),
  },
  PARLEY_SQLITE_SYNCHRONOUS: {
    kind: 'enum',
    values: ['full', 'normal'],
    apply: (c, v) => void (c.sqliteSynchronous = v as 'full' | 'normal'),
  },
  DATABASE_URL: {
    kind: 'url',
    protocols: ['postgres:', 'postgresql:'],
    apply: (c, v) => void (c.databaseUrl = v),
  },
  REDIS_URL: { kind: 'url', protocols: ['redis:', 'rediss:'], apply: (c, v) => void (c.redisUrl = v) },
  PARLEY_REDIS_PREFIX: { kind: 'string', apply: (c, v) => void (c.redisPrefix = v) },
  PARLEY_PG_POOL_SIZE: { kind: 'int', min: 1, max: 500, apply: (c, v) => void (c.postgresPoolSize = v) },
  PARLEY_AUTO_MIGRATE: {
    kind: 'enum',
    values: ['true', 'false'],
    apply: (c, v) => void (c.autoMigrate = v === 'true'),
  },
  PARLEY_CATCH_UP_INTERVAL_MS: {
    kind: 'int',
    min: 100,
    max: 600_000,
    apply: (c, v) => void (c.catchUpIntervalMs = v),
  },
  PARLEY_NODE_ID: { kind: 'string', apply: (c, v) => void (c.nodeId = v) },
  PARLEY_SMTP_URL: {
    kind: 'url',
    protocols: ['smtp:', 'smtps:'],
    check: smtpUrlProblem,
    apply: (c, v) => void (c.smtpUrl = v),
  },
  PARLEY_MAIL_FROM: { kind: 'mailbox', apply: (c, v) => void (c.mailFrom = v) },
  PARLEY_ANSWER_TIMEOUT_SECONDS: {
    kind: 'int',
    min: 0,
    max: 86_400,
    apply: (c, v) => void (c.livechat.answerTimeoutSeconds = v),
  },
  PARLEY_AGENT_AWAY_GRACE_SECONDS: {
    kind: 'int',
    min: 0,
    max: 86_400,
    apply: (c, v) => void (c.livechat.awayGraceSeconds = v),
  },
  PARLEY_PUBLIC_URL: {
    kind: 'url',
    protocols: ['http:', 'https:'],
    check: (url) =>
      url.pathname !== '/' || url.search || url.hash ? 'must be an origin, without a path' : null,
    apply: (c, v) => void (c.publicUrl = v.replace(/\/+$/, '')),
  },
  PARLEY_TRUST_PROXY: {
    kind: 'string',
    apply: (c, v) => void (c.trustProxy = v === 'true' ? true : v === 'false' ? false : v),
  },
  PARLEY_GEO_HEADER: { kind: 'header', apply: (c, v) => void (c.geoHeader = v) },
  PARLEY_DEMO: { kind: 'enum', values: ['true', 'false'], apply: (c, v) => void (c.demo = v === 'true') },
  PARLEY_LIVECHAT_TICK_MS: {
    kind: 'int',
    min: 50,
    max: 60_000,
    apply: (c, v) => void (c.livechat.tickMs = v),
  },
  PARLEY_TRANSCRIPT_RETRY_SECONDS: {
    kind: 'int',
    min: 1,
    max: 3600,
    apply: (c, v) => void (c.livechat.transcriptRetrySeconds = v),
  },
  PARLEY_MAX_MESSAGE_BYTES: limit('messageContentBytes', 1, 1024 * 1024),
  PARLEY_MAX_BODY_BYTES: limit('requestBodyBytes', 1024, 16 * 1024 * 1024),
  PARLEY_MAX_FRAME_BYTES: limit('frameBytes', 1024, 16 * 1024 * 1024),
  PARLEY_MAX_PARTICIPANTS: limit('participantsPerThread', 2, 100_000),
  PARLEY_MAX_PAGE_SIZE: limit('maxPageSize', 1, 1000),
  PARLEY_USER_SEND_RATE: limit('userSendsPerSecond', 1, 1_000_000),
  PARLEY_THREAD_SEND_RATE: limit('threadSendsPerSecond', 1, 1_000_000),
  PARLEY_VISITOR_RATE: limit('visitorRequestsPerMinute', 1, 1_000_000),
  PARLEY_SOCKET_BUFFER_BYTES: limit('socketBufferBytes', 16 * 1024, 1024 * 1024 * 1024),
  PARLEY_RESUME_MAX_EVENTS: limit('resumeMaxEvents', 10, 1_000_000),
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function defaultConfig(): ServerConfig {
  return {
    port: 8080,
    host: '0.0.0.0',
    logLevel: 'info',
    dataDir: './data',
    allowedOrigins: [],
    bootstrapApiKey: undefined,
    tokenTtlSeconds: 24 * 3600,
    heartbeatIntervalMs: 25_000,
    sqliteSynchronous: 'full',
    databaseUrl: undefined,
    redisUrl: undefined,
    redisPrefix: 'parley:',
    postgresPoolSize: 10,
    autoMigrate: true,
    catchUpIntervalMs: 2000,
    nodeId: undefined,
    smtpUrl: undefined,
    mailFrom: undefined,
    livechat: { answerTimeoutSeconds: 120, awayGraceSeconds: 60, tickMs: 1000, transcriptRetrySeconds: 60 },
    trustProxy: false,
    geoHeader: undefined,
    publicUrl: undefined,
    demo: true,
    limits: { ...DEFAULT_LIMITS },
    secrets: { tokenSecret: undefined },
  };
}

/**
 * Reads the configuration from `env`; throws a ConfigError listing every
 * problem at once. `forMigrations` skips the checks that only matter to a
 * serving node (the shared token secret), for `npm run migrate`.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  options: { forMigrations?: boolean } = {},
): ServerConfig {
  const config = defaultConfig();
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    const spec = CONFIG_SPEC[name];
    if (!spec) {
      if (name.startsWith('PARLEY_'))
        problems.push(`${name} is not a known setting (see the README's configuration table).`);
      continue;
    }
    const problem = applyOne(config, name, spec, raw);
    if (problem) problems.push(problem);
  }
  if (config.secrets.tokenSecret !== undefined && Buffer.byteLength(config.secrets.tokenSecret) < 32) {
    problems.push('PARLEY_TOKEN_SECRET must be at least 32 bytes.');
  }
  if (config.redisUrl !== undefined && config.databaseUrl === undefined) {
    problems.push('REDIS_URL needs DATABASE_URL: nodes that share a bus must share one PostgreSQL database.');
  }
  if (
    !options.forMigrations &&
    config.databaseUrl !== undefined &&
    config.secrets.tokenSecret === undefined
  ) {
    problems.push(
      'DATABASE_URL needs PARLEY_TOKEN_SECRET: every node must sign and verify tokens with the same secret.',
    );
  }
  if (!options.forMigrations && config.smtpUrl !== undefined && config.mailFrom === undefined) {
    problems.push('PARLEY_SMTP_URL needs PARLEY_MAIL_FROM: the address outgoing mail is sent from.');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function applyOne(config: ServerConfig, name: string, spec: Spec, raw: string): string | null {
  switch (spec.kind) {
    case 'int': {
      const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
        return `${name}="${raw}" must be an integer from ${spec.min} to ${spec.max}.`;
      }
      spec.apply(config, value);
      return null;
    }
    case 'url': {
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        return `${name} is not a valid URL (expected ${spec.protocols[0]}//host:port/…).`;
      }
      if (!spec.protocols.includes(url.protocol)) {
        return `${name} must start with ${spec.protocols.map((p) => `${p}//`).join(' or ')} (got ${url.protocol}//).`;
      }
      const problem = spec.check?.(url);
      if (problem) return `${name} ${problem}`;
      spec.apply(config, raw.trim());
      return null;
    }
    case 'mailbox':
      if (!isMailbox(raw.trim())) {
        return `${name}="${raw}" must be an email address, optionally with a name: Name <noreply@example.com>.`;
      }
      spec.apply(config, raw.trim());
      return null;
    case 'enum':
      if (!spec.values.includes(raw)) return `${name}="${raw}" must be one of: ${spec.values.join(', ')}.`;
      spec.apply(config, raw);
      return null;
    case 'string':
      if (raw.trim() === '') return `${name} is set but empty.`;
      spec.apply(config, raw);
      return null;
    case 'header': {
      const header = raw.trim().toLowerCase();
      if (!HEADER_NAME.test(header)) return `${name}="${raw}" must be an HTTP header name (CF-IPCountry).`;
      if (PRIVATE_HEADERS.has(header)) return `${name} must not name ${header}: it may hold credentials.`;
      spec.apply(config, header);
      return null;
    }
  }
}

// A header name is an RFC 9110 token; a few headers carry credentials and are never recorded.
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
const PRIVATE_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * `address` or `Display Name <address>`. The name may not hold characters
 * that would split or quote the header (`,;"<>` and line breaks).
 */
function isMailbox(value: string): boolean {
  const named = /^([^,;"<>\r\n]*)<([^<>]+)>$/.exec(value);
  return named ? isMailAddress(named[2]!) : isMailAddress(value);
}

/** What is wrong with an SMTP URL beyond its scheme; never quotes it (it may hold a password). */
function smtpUrlProblem(url: URL): string | null {
  if (url.hostname === '') return 'needs a host (smtp://user:pass@host:587).';
  if (!['', '/'].includes(url.pathname) || url.search !== '' || url.hash !== '') {
    return 'takes no path or query: only smtp[s]://user:pass@host:port.';
  }
  if (url.username === '' && url.password !== '') return 'has a password but no user.';
  return null;
}
