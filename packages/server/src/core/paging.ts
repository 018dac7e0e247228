import { AppError } from './errors.js';

/** Cursors are opaque to clients: base64url of a small JSON value. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes and checks a cursor; a cursor that was not made by `encodeCursor` is a 400. */
export function decodeCursor<T>(cursor: string, check: (value: unknown) => T | null): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('invalid_request', 'The cursor is not valid.', { field: 'cursor' });
  }
  const checked = check(value);
  if (checked === null)
    throw new AppError('invalid_request', 'The cursor is not valid.', { field: 'cursor' });
  return checked;
}
