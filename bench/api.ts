import type { ErrorBody } from '@parley/protocol';

/** A tiny REST client for the admin calls the bench makes, retrying 429 and 503 a few times. */
export class AdminApi {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${this.apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (res.ok) return JSON.parse(text) as T;
      if ((res.status === 429 || res.status === 503) && attempt < 6) {
        const retryAfter = Number(res.headers.get('retry-after')) || 0.2 * attempt;
        await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter, 5) * 1000));
        continue;
      }
      let detail = text.slice(0, 300);
      try {
        const err = (JSON.parse(text) as ErrorBody).error;
        detail = `${err.code}: ${err.message}`;
      } catch {
        // not a JSON error body: keep the raw text
      }
      throw new Error(`${method} ${path} -> ${res.status} ${detail}`);
    }
  }
}
