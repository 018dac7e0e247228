import type { IssueOperatorTokenBody, OperatorToken } from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import type { Tokens } from '../identity/tokens.js';
import type { Organizations } from './organizations.js';
import { AppError } from '../errors.js';
import { accessOrganization } from '../access.js';

/** The shortest and longest lifetimes of an operator token, as for any user access token. */
const MIN_SECONDS = 60;
const MAX_SECONDS = 30 * 24 * 3600;

/**
 * Seed 002's operator tokens: a backend holding an API key issues, for an
 * agent of one of its organizations, a user access token with the `chat`
 * scope and the expiry it chooses. It is an ordinary user token (validated by
 * `Tokens.validate`, revoked with the user's tokens); only the checks differ.
 */
export class OperatorTokens {
  constructor(
    private readonly deps: CoreDeps,
    private readonly tokens: Tokens,
    private readonly organizations: Organizations,
  ) {}

  async issue(
    actor: Actor,
    organizationId: string,
    userId: string,
    body: IssueOperatorTokenBody,
  ): Promise<OperatorToken> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    await this.organizations.agentOf(actor.tenantId, organizationId, userId);
    const now = this.deps.clock.now();
    let expiresAt: number | undefined;
    if (body.expiresAt !== undefined) {
      if (body.expiresInSeconds !== undefined) {
        throw new AppError('invalid_request', 'Give expiresAt or expiresInSeconds, not both.', {
          field: 'expiresAt',
        });
      }
      expiresAt = Date.parse(body.expiresAt);
      const seconds = (expiresAt - now) / 1000;
      if (!(seconds >= MIN_SECONDS && seconds <= MAX_SECONDS)) {
        throw new AppError('invalid_request', 'expiresAt must be between 60 seconds and 30 days from now.', {
          field: 'expiresAt',
        });
      }
    }
    const issued = await this.tokens.issue(actor, userId, {
      scopes: ['chat'],
      ...(expiresAt !== undefined && { expiresAt }),
      ...(body.expiresInSeconds !== undefined && { expiresInSeconds: body.expiresInSeconds }),
    });
    return {
      token: issued.token,
      expiresAt: issued.expiresAt,
      userId: issued.userId,
      organizationId,
      scopes: ['chat'],
    };
  }
}
