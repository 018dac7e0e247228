/// <reference lib="dom" />
import { ParleyError, type ParleyErrorCode } from '@parley/sdk';

/**
 * The public visitor routes (`/v1/widget/{key}/…`), which the SDK does not
 * cover: JSON in and out, failures as `ParleyError` with the server's code.
 */
export class WidgetApi {
  constructor(
    private readonly origin: string,
    private readonly key: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown, bearer?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let response: Response;
    try {
      response = await fetch(`${this.origin}/v1/widget/${encodeURIComponent(this.key)}${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new ParleyError('network_error', `${method} ${path} failed.`, { cause });
    }
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; field?: string } } | undefined)
        ?.error;
      throw new ParleyError((error?.code ?? 'internal_error') as ParleyErrorCode, error?.message ?? text, {
        status: response.status,
        ...(error?.field !== undefined && { field: error.field }),
      });
    }
    return parsed as T;
  }
}
