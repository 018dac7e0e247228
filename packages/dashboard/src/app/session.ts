/// <reference lib="dom" />
import type { Session } from '@parley/protocol';

/*
 * The session lives in localStorage, not sessionStorage: an agent works in
 * several tabs (a conversation opened from a notification, a link in a mail)
 * and expects to be signed in in each, and a reload or a browser restart
 * within the session's 12 hours should not ask for the password again. The
 * cost, that script injected into this origin could read it, is the same
 * with sessionStorage; the dashboard defends against that by never rendering
 * user content as markup and by its Content-Security-Policy. Signing out (or
 * a revoked session) clears it, and the `storage` event signs out every tab.
 */
const KEY = 'parley.dashboard.session';

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (typeof session.accessToken !== 'string' || Date.parse(session.expiresAt) <= Date.now()) {
      localStorage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  try {
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode, quota): the session lasts this page only.
  }
}

/** Called when another tab signs in or out. */
export function onSessionStorageChange(handler: (session: Session | null) => void): () => void {
  const listener = (e: StorageEvent) => {
    if (e.key === KEY) handler(loadSession());
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}
