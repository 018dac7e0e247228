import type { TokenCredential } from './credentials.js';
import { errorFromResponse, ParleyError } from './errors.js';

export type QueryValue = string | number | boolean | null | undefined;

export interface HttpClientOptions {
  /** The server's base URL, e.g. `https://chat.example.com` (a trailing `/v1` is tolerated). */
  endpoint: string;
  credential: TokenCredential;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Per attempt, including reading the body. Default 30000. */
  timeoutMs?: number;
}

export interface RequestOptions {
  /** Undefined and null values are left out. */
  query?: Record<string, QueryValue>;
  /** Sent as JSON when defined. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined for 204. */
  body: T;
}

/** 401 codes that a new token can cure; `unauthenticated` and `invalid_api_key` cannot be. */
const REFRESHABLE = new Set(['token_expired', 'token_revoked', 'invalid_token']);

/**
 * JSON over fetch with the bearer credential. Every failure is a `ParleyError`:
 * the server's error body, `network_error` when no answer came, `timeout` when
 * the answer took longer than `timeoutMs`. A token the server rejects is
 * refreshed once (`forceRefresh`) and the request retried once.
 */
export class HttpClient {
  readonly endpoint: string;
  private readonly credential: TokenCredential;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: HttpClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.credential = options.credential;
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== 'function') throw new TypeError('No fetch available: pass options.fetch.');
    // Bound so that a browser's window.fetch is not called with another `this`.
    this.fetchFn = fetchFn.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const url = this.url(path, options.query);
    const token = await this.credential.getToken();
    try {
      return await this.attempt<T>(method, url, token, options);
    } catch (err) {
      if (!(err instanceof ParleyError) || err.status !== 401 || !REFRESHABLE.has(err.code)) throw err;
      const fresh = await this.credential.getToken({ forceRefresh: true });
      // A credential that cannot refresh hands back the same token: retrying would only fail again.
      if (fresh === token) throw err;
      return this.attempt<T>(method, url, fresh, options);
    }
  }

  private url(path: string, query: Record<string, QueryValue> | undefined): string {
    const url = new URL(this.endpoint + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private async attempt<T>(
    method: string,
    url: string,
    token: string,
    options: RequestOptions,
  ): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...options.headers,
      authorization: `Bearer ${token}`,
    };
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, {
        method,
        headers,
        signal,
        ...(payload !== undefined && { body: payload }),
      });
      // Inside the try: the timeout also covers a body that stalls.
      text = await response.text();
    } catch (err) {
      if (signal.aborted) {
        throw new ParleyError('timeout', `${method} ${url} took longer than ${this.timeoutMs} ms.`, {
          cause: err,
        });
      }
      throw new ParleyError('network_error', `${method} ${url} failed: ${describe(err)}`, { cause: err });
    }
    const body = parseBody(text);
    if (!response.ok) throw errorFromResponse(response.status, response.headers, body);
    return { status: response.status, headers: response.headers, body: body as T };
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // A non-JSON answer (a proxy's error page) is kept as text for the error message.
    return text;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    // undici hides the useful part (ECONNREFUSED…) in `cause`.
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

/**
 * Builds a request path with every interpolated value URL-encoded:
 * ``path`/v1/threads/${threadId}` ``. Ids are a safe alphabet on the server, but
 * a caller may pass anything and must not be able to reach another route.
 */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < values.length ? encodeURIComponent(values[i]!) : ''),
    '',
  );
}
