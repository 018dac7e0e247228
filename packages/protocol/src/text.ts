/**
 * Whether any string inside `value` (keys included) holds U+0000. No text
 * field may: PostgreSQL cannot store it, and no human text needs it, so both
 * transports refuse it with `invalid_request` whatever the store.
 */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, v]) => key.includes('\u0000') || containsNul(v));
  }
  return false;
}
