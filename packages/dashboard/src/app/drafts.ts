/// <reference lib="dom" />

/** Unsent replies, per user and conversation, kept across reloads (seed 004's local drafts). */
const PREFIX = 'parley.dashboard.draft.';

export function loadDraft(userId: string, conversationId: string): string {
  try {
    return localStorage.getItem(`${PREFIX}${userId}.${conversationId}`) ?? '';
  } catch {
    return '';
  }
}

export function saveDraft(userId: string, conversationId: string, text: string): void {
  try {
    const key = `${PREFIX}${userId}.${conversationId}`;
    if (text.trim() === '') localStorage.removeItem(key);
    else localStorage.setItem(key, text);
  } catch {
    // Quota or private mode: the draft lasts as long as the page.
  }
}
