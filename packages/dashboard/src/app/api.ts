/// <reference lib="dom" />
import type {
  Account,
  Agent,
  AgentStatus,
  CannedResponse,
  Conversation,
  ConversationStatus,
  Department,
  LabelCount,
  Note,
  SearchResult,
  Session,
  SetupBody,
  SetupStatus,
} from '@parley/protocol';
import { HttpClient, ParleyError, type TokenCredential } from '@parley/sdk';

/**
 * The dashboard's REST calls. Public ones (setup, sign-in, reset, invitation)
 * go through plain fetch; signed-in ones through the SDK's `HttpClient`,
 * whose credential cannot refresh: a refused token ends the session.
 */
export async function publicCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw new ParleyError('network_error', 'The server cannot be reached.', { cause });
  }
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; retryAfter?: number } })?.error;
    const header = Number(response.headers.get('retry-after'));
    const retryAfter = error?.retryAfter ?? (Number.isFinite(header) && header > 0 ? header : undefined);
    throw new ParleyError(
      (error?.code ?? 'internal_error') as ParleyError['code'],
      error?.message ?? `HTTP ${response.status}`,
      { status: response.status, ...(retryAfter !== undefined && { retryAfter }) },
    );
  }
  return parsed as T;
}

export const auth = {
  setupStatus: () => publicCall<SetupStatus>('GET', '/v1/auth/setup'),
  setup: (body: SetupBody) => publicCall<Session>('POST', '/v1/auth/setup', body),
  signIn: (email: string, password: string) =>
    publicCall<Session>('POST', '/v1/auth/sign-in', { email, password }),
  requestReset: (email: string) => publicCall<void>('POST', '/v1/auth/password-reset', { email }),
  confirmReset: (token: string, password: string) =>
    publicCall<void>('POST', '/v1/auth/password-reset/confirm', { token, password }),
  acceptInvitation: (token: string, password: string) =>
    publicCall<Session>('POST', '/v1/auth/invitations/accept', { token, password }),
};

export interface ConversationQuery {
  status?: ConversationStatus | undefined;
  agentId?: string | undefined;
  departmentId?: string | undefined;
  label?: string | undefined;
  visitorId?: string | undefined;
  cursor?: string | undefined;
  limit?: number;
}

/** A session ended by the server (revoked, expired, signed out elsewhere). */
export class SessionEnded extends Error {}

/**
 * The signed-in agent's calls, scoped to their organization. `onRefused` runs
 * when the server refuses the token (the SDK asks the credential for a fresh
 * one): there is none to give, so the session is over.
 */
export class AgentApi {
  readonly http: HttpClient;
  readonly credential: TokenCredential;

  constructor(
    readonly session: Session,
    onRefused: () => void,
  ) {
    const token = session.accessToken;
    this.credential = {
      async getToken(options) {
        if (options?.forceRefresh) {
          onRefused();
          throw new SessionEnded('The session has ended.');
        }
        return token;
      },
    };
    this.http = new HttpClient({ endpoint: location.origin, credential: this.credential });
  }

  private get org(): string {
    return `/v1/organizations/${encodeURIComponent(this.session.account.organizationId ?? '')}`;
  }

  async me(): Promise<Account> {
    return (await this.http.request<Account>('GET', '/v1/auth/me')).body;
  }

  /** Every session of the account ends; the answer is this tab's new one. */
  async changePassword(currentPassword: string, newPassword: string): Promise<Session> {
    return (
      await this.http.request<Session>('POST', '/v1/auth/password', {
        body: { currentPassword, newPassword },
      })
    ).body;
  }

  async signOut(): Promise<void> {
    await this.http.request('POST', '/v1/auth/sign-out');
  }

  async conversations(
    query: ConversationQuery,
  ): Promise<{ items: Conversation[]; nextCursor: string | null }> {
    const q: Record<string, string | number | undefined> = {
      status: query.status,
      agentId: query.agentId,
      departmentId: query.departmentId,
      label: query.label,
      visitorId: query.visitorId,
      cursor: query.cursor,
      limit: query.limit ?? 50,
    };
    return (
      await this.http.request<{ items: Conversation[]; nextCursor: string | null }>(
        'GET',
        `${this.org}/conversations`,
        { query: q },
      )
    ).body;
  }

  async conversation(id: string): Promise<Conversation> {
    return (
      await this.http.request<Conversation>('GET', `${this.org}/conversations/${encodeURIComponent(id)}`)
    ).body;
  }

  async act(
    id: string,
    action: 'take' | 'transfer' | 'snooze' | 'wake' | 'resolve' | 'reopen',
    body: unknown = {},
  ): Promise<Conversation> {
    const path = `${this.org}/conversations/${encodeURIComponent(id)}/${action}`;
    return (await this.http.request<Conversation>('POST', path, { body })).body;
  }

  async agents(): Promise<Agent[]> {
    const all: Agent[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Agent[]; nextCursor: string | null } = (
        await this.http.request<{ items: Agent[]; nextCursor: string | null }>('GET', `${this.org}/agents`, {
          query: { limit: 100, cursor },
        })
      ).body;
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  async departments(): Promise<Department[]> {
    const body = (
      await this.http.request<{ items: Department[] } | Department[]>('GET', `${this.org}/departments`)
    ).body;
    return Array.isArray(body) ? body : body.items;
  }

  async setStatus(status: AgentStatus): Promise<Agent> {
    const path = `${this.org}/agents/${encodeURIComponent(this.session.account.userId)}`;
    return (await this.http.request<Agent>('PATCH', path, { body: { status } })).body;
  }

  private one(id: string): string {
    return `${this.org}/conversations/${encodeURIComponent(id)}`;
  }

  /** Private notes: their own route, never the thread (so never the visitor's). */
  async notes(id: string): Promise<Note[]> {
    return (await this.http.request<Note[]>('GET', `${this.one(id)}/notes`)).body;
  }

  async addNote(id: string, content: string): Promise<Note> {
    return (await this.http.request<Note>('POST', `${this.one(id)}/notes`, { body: { content } })).body;
  }

  async setLabels(id: string, labels: string[]): Promise<Conversation> {
    return (await this.http.request<Conversation>('PUT', `${this.one(id)}/labels`, { body: { labels } }))
      .body;
  }

  /** The organization's labels with their counts, most used first: the label pickers' suggestions. */
  async labels(): Promise<LabelCount[]> {
    return (await this.http.request<{ items: LabelCount[] }>('GET', `${this.org}/labels`)).body.items;
  }

  async cannedResponses(): Promise<CannedResponse[]> {
    return (await this.http.request<CannedResponse[]>('GET', `${this.org}/canned-responses`)).body;
  }

  async search(q: string): Promise<SearchResult> {
    return (await this.http.request<SearchResult>('GET', `${this.org}/search`, { query: { q, limit: 20 } }))
      .body;
  }
}
