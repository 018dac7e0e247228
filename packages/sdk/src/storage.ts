/**
 * The part of the Web Storage API the SDK uses (to keep the real-time resume
 * positions and the outbox across reloads). `localStorage` fits; in Node pass
 * any object with these three methods, or `null` to keep nothing.
 */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * `globalThis.localStorage` when there is one and it can be used, else null.
 * Reading `localStorage` throws a `SecurityError` in sandboxed iframes and with
 * cookies blocked, and Safari's private mode used to throw on `setItem`: both
 * mean "no storage", not a crash.
 */
export function defaultStorage(): StorageLike | null {
  try {
    const storage = (globalThis as { localStorage?: StorageLike }).localStorage;
    if (!storage) return null;
    const probe = '__parley_probe__';
    storage.setItem(probe, probe);
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}
