import { createHash, randomBytes } from 'node:crypto';
import type {
  IdentifiedVisitor,
  IdentifyVisitorBody,
  PublicWidgetSettings,
  RegisterVisitorBody,
  User,
  VisitorSession,
  WidgetConfig,
  WidgetSettings,
} from '@parley/protocol';
import type { CoreDeps } from '../deps.js';
import type { Tokens } from '../identity/tokens.js';
import type { VisitorRecord } from '../ports/visitor-store.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { newId } from '../ids.js';
import type { Schedules } from './schedules.js';
import type { Widgets } from './widgets.js';
import {
  defaultWidgetSettings,
  isOriginAllowed,
  parseAcceptLanguage,
  pickLanguage,
} from './widget-settings.js';
import { verifyIdentity } from './visitor-identity.js';

/** What the public widget routes know of their caller: no credential, only where it calls from. */
export interface WidgetCaller {
  /** The `Origin` header; browsers always send it on these (cross-origin) calls. */
  origin: string | undefined;
  /** The client address, for the per-IP rate limit. */
  ip: string;
}

/** The organization a widget key names, once the caller passed the rate limit and origin check. */
export interface OpenWidget {
  tenantId: string;
  organizationId: string;
}

/** Visitors' access tokens are short-lived; the visitor token gets a fresh one at any time. */
export const VISITOR_ACCESS_TTL_SECONDS = 3600;
const DEFAULT_VISITOR_NAME = 'Visitor';
const EMBEDDING_ORIGINS_TTL_MS = 5000;
const EMBEDDING_ORIGINS_MISS_REFRESH_MS = 1000;

/**
 * A new visitor token: `vt_` and 256 random bits, url-safe. Only its SHA-256
 * is stored, so a leaked database cannot be used to resume anyone.
 */
export function newVisitorToken(): string {
  return `vt_${randomBytes(32).toString('base64url')}`;
}

export function hashVisitorToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * The public visitor API: widget configuration, visitor registration and
 * resume, and identification of the site's logged-in customers. Every action
 * first opens the widget (`open`): per-IP rate limit, then the key, then the
 * caller's origin against the organization's allow-list.
 */
export class Visitors {
  private embedding: { at: number; origins: Promise<Set<string>> } | null = null;

  constructor(
    private readonly deps: CoreDeps,
    private readonly tokens: Tokens,
    private readonly widgets: Widgets,
    private readonly schedules: Schedules,
  ) {}

  /** Seed 001's configuration: public settings, language and whether an agent can answer now. */
  async config(
    widgetKey: string,
    caller: WidgetCaller,
    options: { departmentId?: string; acceptLanguage?: string },
  ): Promise<WidgetConfig> {
    const { tenantId, organizationId } = await this.open(widgetKey, caller);
    const { departmentId } = options;
    const settings = await this.widgets.resolvedFor(tenantId, organizationId, departmentId);
    const availability = await this.schedules.availabilityOf(tenantId, organizationId, departmentId);
    return {
      organizationId,
      departmentId: departmentId ?? null,
      language: pickLanguage(settings.language, parseAcceptLanguage(options.acceptLanguage)),
      settings: publicSettings(settings),
      availability,
      online: availability.open && availability.agentsOnline > 0,
    };
  }

  /** Creates a visitor (a tenant user) with a new visitor token, and gives it an access token. */
  async register(
    widgetKey: string,
    caller: WidgetCaller,
    body: RegisterVisitorBody,
  ): Promise<VisitorSession> {
    const { tenantId, organizationId } = await this.open(widgetKey, caller);
    const now = iso(this.deps.clock.now());
    const visitorToken = newVisitorToken();
    const user: User = {
      id: newId('vis'),
      displayName: body.displayName ?? DEFAULT_VISITOR_NAME,
      role: 'member',
      metadata: {},
      createdAt: now,
      updatedAt: now,
    };
    const visitor: VisitorRecord = {
      id: user.id,
      organizationId,
      tokenHash: hashVisitorToken(visitorToken),
      email: body.email ?? null,
      customerId: null,
      identifiedAt: null,
      createdAt: now,
    };
    // False only when the organization was deleted meanwhile (ids and tokens are 128+ random bits).
    if (!(await this.deps.store.livechat.insertVisitor(tenantId, user, visitor)))
      throw new AppError('widget_not_found');
    return { ...(await this.session(tenantId, visitor)), visitorToken };
  }

  /** A fresh access token for the visitor holding `visitorToken`, on this widget's organization only. */
  async resume(widgetKey: string, caller: WidgetCaller, visitorToken: string): Promise<VisitorSession> {
    const { tenantId, organizationId } = await this.open(widgetKey, caller);
    return this.session(tenantId, await this.visitorOf(tenantId, organizationId, visitorToken));
  }

  /**
   * Links the visitor to the site's customer `userId` once the proof checks
   * out: signed with the organization's identity secret, fresh, and never
   * used before (its replay key is claimed atomically). A visitor already
   * linked to another customer is refused: it would hand that customer's
   * conversations to this one (a shared computer); the widget registers a
   * new visitor instead.
   */
  async identify(
    widgetKey: string,
    caller: WidgetCaller,
    body: IdentifyVisitorBody,
  ): Promise<IdentifiedVisitor> {
    const { tenantId, organizationId } = await this.open(widgetKey, caller);
    const { store, clock } = this.deps;
    const visitor = await this.visitorOf(tenantId, organizationId, body.visitorToken);
    const secret = await store.livechat.getIdentitySecret(tenantId, organizationId);
    if (secret === null) throw new AppError('identity_not_configured');
    const now = clock.now();
    const verdict = verifyIdentity(body, secret, now);
    if (!verdict.ok) {
      if (verdict.reason === 'stale' || verdict.reason === 'future')
        throw new AppError('identity_signature_stale');
      throw new AppError('identity_signature_invalid');
    }
    // Refused before the proof is spent: the widget then registers a new visitor and uses it there.
    if (visitor.customerId !== null && visitor.customerId !== verdict.userId)
      throw new AppError('visitor_identity_conflict');
    const claimed = await store.livechat.claimReplayKey(
      tenantId,
      organizationId,
      verdict.replayKey,
      iso(verdict.replayKeyUntilMs),
      iso(now),
    );
    if (!claimed) throw new AppError('identity_signature_replayed');
    const linked = await store.livechat.linkVisitorCustomer(
      tenantId,
      organizationId,
      visitor.id,
      verdict.userId,
      iso(now),
    );
    if (!linked) throw new AppError('invalid_visitor_token');
    if (linked.customerId !== verdict.userId) throw new AppError('visitor_identity_conflict');
    return { visitorId: linked.id, customerId: verdict.userId };
  }

  /**
   * The origins the widget key's organization allows, for CORS; empty for an
   * unknown key. No rate limit or error here: a preflight only learns whether
   * its own origin may call.
   */
  async allowedOrigins(widgetKey: string): Promise<string[]> {
    const found = await this.deps.store.livechat.findWidgetKey(widgetKey);
    if (!found) return [];
    const widget = await this.deps.store.livechat.getWidget(found.tenantId, found.organizationId);
    return (widget?.settings ?? defaultWidgetSettings()).allowedOrigins;
  }

  /**
   * Whether some widget, in any tenant, allows `origin`: its pages may then
   * call the thread routes and the WebSocket (with a visitor's token, which
   * is what actually protects them). The set is cached: a known origin costs
   * no database read for 5 s, and an unknown one re-reads it at most once a
   * second (a flood from strangers costs one read a second). Saving widget
   * settings drops the cache on that node, so an origin just allowed works at
   * once there, and within a second on the others.
   */
  async isEmbeddingOrigin(origin: string): Promise<boolean> {
    const now = this.deps.clock.now();
    const age = this.embedding === null ? Infinity : now - this.embedding.at;
    const fresh = age > EMBEDDING_ORIGINS_TTL_MS;
    if (fresh) this.reloadEmbeddingOrigins(now);
    if ((await this.embedding!.origins).has(origin)) return true;
    if (fresh || age <= EMBEDDING_ORIGINS_MISS_REFRESH_MS) return false;
    this.reloadEmbeddingOrigins(now);
    return (await this.embedding!.origins).has(origin);
  }

  /** Drops the cached origins: an admin just saved a widget's settings on this node. */
  forgetEmbeddingOrigins(): void {
    this.embedding = null;
  }

  private reloadEmbeddingOrigins(now: number): void {
    const origins = this.deps.store.livechat.embeddingOrigins().then((o) => new Set(o));
    const entry = { at: now, origins };
    this.embedding = entry;
    // A failed read is not cached: the next call tries again.
    origins.catch(() => {
      if (this.embedding === entry) this.embedding = null;
    });
  }

  /**
   * The gate of every public action. The rate limit comes first, before any
   * lookup, so a flood costs one bucket operation per request. Then the key
   * (unknown or rotated: `widget_not_found`), then the origin: a request
   * without one is refused too, since only browsers call these routes and
   * browsers always send it on cross-origin requests.
   */
  async open(widgetKey: string, caller: WidgetCaller): Promise<OpenWidget> {
    const perMinute = this.deps.config.limits.visitorRequestsPerMinute;
    const wait = await this.deps.rateLimits.take(
      `widget-ip:${caller.ip}`,
      perMinute / 60,
      perMinute,
      this.deps.clock.now(),
    );
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: wait });
    const found = await this.deps.store.livechat.findWidgetKey(widgetKey);
    if (!found) throw new AppError('widget_not_found');
    const widget = await this.deps.store.livechat.getWidget(found.tenantId, found.organizationId);
    const allowed = (widget?.settings ?? defaultWidgetSettings()).allowedOrigins;
    if (!isOriginAllowed(caller.origin, allowed)) throw new AppError('origin_not_allowed');
    return found;
  }

  private async visitorOf(tenantId: string, organizationId: string, token: string): Promise<VisitorRecord> {
    const visitor = await this.deps.store.livechat.findVisitorByTokenHash(
      tenantId,
      organizationId,
      hashVisitorToken(token),
    );
    if (!visitor) throw new AppError('invalid_visitor_token');
    return visitor;
  }

  private async session(tenantId: string, visitor: VisitorRecord): Promise<VisitorSession> {
    const issued = await this.tokens.issueFor(tenantId, visitor.id, {
      scopes: ['chat'],
      expiresInSeconds: VISITOR_ACCESS_TTL_SECONDS,
    });
    return {
      visitorId: visitor.id,
      accessToken: issued.token,
      expiresAt: issued.expiresAt,
      customerId: visitor.customerId,
    };
  }
}

/** What a browser may see of the settings: no allow-list, no offline destination address. */
function publicSettings(settings: WidgetSettings): PublicWidgetSettings {
  return {
    title: settings.title,
    subtitle: settings.subtitle,
    color: settings.color,
    position: settings.position,
    launcherText: settings.launcherText,
    welcomeMessages: [...settings.welcomeMessages],
    preChatForm: settings.preChatForm.map((field) => ({ ...field })),
    offlineForm: { enabled: settings.offlineForm.enabled },
    fallbackContact: settings.fallbackContact,
  };
}
