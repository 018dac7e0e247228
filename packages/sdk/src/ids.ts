/**
 * A random id in the server's id alphabet, for `clientMessageId` and
 * `idempotencyKey`. `crypto.getRandomValues` rather than `randomUUID`: the
 * latter exists only in secure contexts, and a widget may run on plain http.
 */
export function randomId(prefix: string): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${prefix}_${hex}`;
}
