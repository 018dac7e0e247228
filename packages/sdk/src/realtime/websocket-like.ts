/**
 * The part of the standard WebSocket API the session uses, so that the
 * browser's `WebSocket` and Node's `ws` package both fit. Only the `on…`
 * handler properties are used (no `addEventListener`), and only text frames.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructorLike = new (url: string) => WebSocketLike;

/** `readyState` of an open socket (WebSocket.OPEN), the same in every implementation. */
export const OPEN = 1;

/** The realtime URL for an http(s) base endpoint (a trailing `/v1` is tolerated). */
export function realtimeUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${base.replace(/^http/i, 'ws')}/v1/realtime`;
}
