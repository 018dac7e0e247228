import type {
  ApiKey,
  CreatedApiKey,
  CreatedTenant,
  CreateTenantBody,
  CreateUserBody,
  IssuedToken,
  IssueTokenBody,
  TokenValidation,
  UpdateUserBody,
  User,
} from '@parley/protocol';
import { apiKeyCredential, type TokenCredential } from './credentials.js';
import { HttpClient, path } from './http.js';
import { cursorPages, pagedIterable, type PagedAsyncIterable } from './paging.js';

export interface ParleyAdminClientOptions {
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Per request. Default 30000. */
  timeoutMs?: number;
}

/**
 * The backend's client: users, access tokens, API keys and tenants. It
 * authenticates with an API key (`pk_…`), which acts for its whole tenant, so it
 * belongs on a server, never in a browser. A user whose role is `admin`, with a
 * token carrying the `admin` scope, may use it too (pass a `TokenCredential`).
 */
export class ParleyAdminClient {
  private readonly http: HttpClient;

  constructor(endpoint: string, apiKey: string | TokenCredential, options: ParleyAdminClientOptions = {}) {
    const credential = typeof apiKey === 'string' ? apiKeyCredential(apiKey) : apiKey;
    this.http = new HttpClient({
      endpoint,
      credential,
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    });
  }

  /** Creates a user; without an `id` the server picks one. `409 user_exists` when the id is taken. */
  async createUser(user: CreateUserBody): Promise<User> {
    return (await this.http.request<User>('POST', '/v1/users', { body: user })).body;
  }

  async getUser(userId: string): Promise<User> {
    return (await this.http.request<User>('GET', path`/v1/users/${userId}`)).body;
  }

  /** The tenant's users; `search` matches display names and ids. */
  listUsers(options: { search?: string; maxPageSize?: number } = {}): PagedAsyncIterable<User> {
    return pagedIterable(
      cursorPages(
        async (query) =>
          (
            await this.http.request<{ items: User[]; nextCursor: string | null }>('GET', '/v1/users', {
              query: { ...query, search: options.search },
            })
          ).body,
      ),
      options.maxPageSize,
    );
  }

  async updateUser(userId: string, changes: UpdateUserBody): Promise<User> {
    return (await this.http.request<User>('PATCH', path`/v1/users/${userId}`, { body: changes })).body;
  }

  /** Deletes the user; their open connections close (4104). */
  async deleteUser(userId: string): Promise<void> {
    await this.http.request('DELETE', path`/v1/users/${userId}`);
  }

  /**
   * Issues a user access token (a JWT; default scope `chat`, default lifetime
   * the server's `PARLEY_TOKEN_TTL_SECONDS`, at least 60 s, at most 30 days).
   */
  async issueToken(userId: string, options: IssueTokenBody = {}): Promise<IssuedToken> {
    return (await this.http.request<IssuedToken>('POST', path`/v1/users/${userId}/tokens`, { body: options }))
      .body;
  }

  /** Checks a token; an invalid one is `{ valid: false, reason }`, never an error. */
  async validateToken(token: string): Promise<TokenValidation> {
    return (await this.http.request<TokenValidation>('POST', '/v1/tokens/validate', { body: { token } }))
      .body;
  }

  /** Revokes every token issued so far to the user; their connections close (4102). */
  async revokeTokens(userId: string): Promise<void> {
    await this.http.request('DELETE', path`/v1/users/${userId}/tokens`);
  }

  /** Creates an API key. Its `secret` is in this answer only: store it now. */
  async createApiKey(name: string): Promise<CreatedApiKey> {
    return (await this.http.request<CreatedApiKey>('POST', '/v1/api-keys', { body: { name } })).body;
  }

  /** The tenant's API keys, without secrets. */
  async listApiKeys(): Promise<ApiKey[]> {
    return (await this.http.request<{ items: ApiKey[] }>('GET', '/v1/api-keys')).body.items;
  }

  async revokeApiKey(keyId: string): Promise<void> {
    await this.http.request('DELETE', path`/v1/api-keys/${keyId}`);
  }

  /**
   * Creates a tenant and its first API key (whose secret is shown once). Only
   * the platform's keys (those of the `default` tenant) may: others get `403 forbidden`.
   */
  async createTenant(tenant: CreateTenantBody): Promise<CreatedTenant> {
    return (await this.http.request<CreatedTenant>('POST', '/v1/tenants', { body: tenant })).body;
  }
}
