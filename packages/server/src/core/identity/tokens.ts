import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { IssuedToken, Scope, TokenValidation } from '@parley/protocol';
import type { Actor, UserActor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { requireAdmin } from '../access.js';
import { topics, type UserControl } from '../ports/bus.js';

/** The one algorithm this server signs with and the only one it accepts (no `none`, no key confusion). */
const ALGORITHM = 'HS256';
const ISSUER = 'parley';

interface Claims {
  sub: string;
  tid: string;
  scp: Scope[];
  /** The user's token version at issue time; revoking bumps the version. */
  ver: number;
  /** When the user was created, ms: a token never outlives its user into a new user of the same id. */
  uca: number;
  /** The dashboard session (accounts.ts), for tokens from a password sign-in. */
  sid?: string;
}

export class Tokens {
  constructor(private readonly deps: CoreDeps) {}

  async issue(
    actor: Actor,
    userId: string,
    options: { scopes?: Scope[]; expiresInSeconds?: number; expiresAt?: number },
  ): Promise<IssuedToken> {
    requireAdmin(actor);
    return this.issueFor(actor.tenantId, userId, options);
  }

  /**
   * Issues a token without an actor, for domain actions that have already
   * decided the caller may have it (a widget visitor proving itself with its
   * visitor token). Never reachable from a transport directly.
   */
  async issueFor(
    tenantId: string,
    userId: string,
    options: { scopes?: Scope[]; expiresInSeconds?: number; expiresAt?: number; sessionId?: string },
  ): Promise<IssuedToken> {
    const user = await this.deps.store.getUser(tenantId, userId);
    if (!user) throw new AppError('user_not_found');
    const scopes = options.scopes ?? ['chat'];
    if (scopes.includes('admin') && user.role !== 'admin') {
      throw new AppError(
        'invalid_request',
        'The admin scope can only be given to users whose role is admin.',
        { field: 'scopes' },
      );
    }
    const nowSec = Math.floor(this.deps.clock.now() / 1000);
    // An absolute expiry (ms, seed 002's expiresAt) is kept to the second, as JWT `exp` counts.
    const exp =
      options.expiresAt !== undefined
        ? Math.floor(options.expiresAt / 1000)
        : nowSec + (options.expiresInSeconds ?? this.deps.config.tokenTtlSeconds);
    const claims: Claims = {
      sub: user.id,
      tid: tenantId,
      scp: scopes,
      ver: user.tokenVersion,
      uca: Date.parse(user.createdAt),
    };
    const token = await new SignJWT({
      tid: claims.tid,
      scp: claims.scp,
      ver: claims.ver,
      uca: claims.uca,
      ...(options.sessionId !== undefined && { sid: options.sessionId }),
    })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setIssuedAt(nowSec)
      .setExpirationTime(exp)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.deps.config.tokenSecret);
    return { token, expiresAt: iso(exp * 1000), userId: user.id, scopes };
  }

  /** The user actor for a token, or an `invalid_token` / `token_expired` / `token_revoked` error. */
  async authenticate(token: string): Promise<UserActor> {
    const { claims, expiresAt } = await this.verifySignature(token);
    const user = await this.deps.store.getUser(claims.tid, claims.sub);
    if (!user || Date.parse(user.createdAt) !== claims.uca) {
      throw new AppError('invalid_token', 'The user of this token no longer exists.');
    }
    if (user.tokenVersion !== claims.ver) throw new AppError('token_revoked');
    if (claims.sid !== undefined) {
      const session = await this.deps.store.accounts.getSession(claims.sid);
      if (
        !session ||
        session.revokedAt !== null ||
        session.userId !== user.id ||
        session.tenantId !== claims.tid
      )
        throw new AppError('token_revoked');
    }
    return {
      kind: 'user',
      tenantId: claims.tid,
      userId: user.id,
      role: user.role,
      displayName: user.displayName,
      scopes: claims.scp,
      expiresAt,
      ...(claims.sid !== undefined && { sessionId: claims.sid }),
    };
  }

  /** Seed 002's validate step: answers for any token, never throws for a bad one. */
  async validate(actor: Actor, token: string): Promise<TokenValidation> {
    requireAdmin(actor);
    try {
      const user = await this.authenticate(token);
      if (user.tenantId !== actor.tenantId) return { valid: false, reason: 'invalid_token' };
      // Seed 002's backend learns which organization an operator token serves.
      const agent = await this.deps.store.livechat.getAgent(user.tenantId, user.userId);
      return {
        valid: true,
        subject: user.userId,
        tenantId: user.tenantId,
        scopes: [...user.scopes],
        expiresAt: iso(user.expiresAt),
        ...(agent && { organizationId: agent.organizationId }),
      };
    } catch (err) {
      if (err instanceof AppError) return { valid: false, reason: err.code };
      throw err;
    }
  }

  /** Revokes every token issued so far to the user and tells live connections to close. */
  async revokeAll(actor: Actor, userId: string): Promise<void> {
    requireAdmin(actor);
    const version = await this.deps.store.bumpTokenVersion(actor.tenantId, userId);
    if (version === null) throw new AppError('user_not_found');
    const control: UserControl = { type: 'tokens.revoked' };
    await this.deps.bus.publish(topics.user(actor.tenantId, userId), control);
  }

  private async verifySignature(token: string): Promise<{ claims: Claims; expiresAt: number }> {
    try {
      const { payload } = await jwtVerify(token, this.deps.config.tokenSecret, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        currentDate: new Date(this.deps.clock.now()),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const { sub, tid, scp, ver, uca, exp, sid } = payload;
      if (
        typeof sub !== 'string' ||
        typeof tid !== 'string' ||
        typeof ver !== 'number' ||
        typeof uca !== 'number' ||
        typeof exp !== 'number' ||
        (sid !== undefined && typeof sid !== 'string') ||
        !Array.isArray(scp) ||
        !scp.every((s): s is Scope => s === 'chat' || s === 'users.read' || s === 'admin')
      ) {
        throw new AppError('invalid_token');
      }
      return {
        claims: { sub, tid, scp, ver, uca, ...(typeof sid === 'string' && { sid }) },
        expiresAt: exp * 1000,
      };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new AppError('token_expired');
      throw new AppError('invalid_token');
    }
  }
}
