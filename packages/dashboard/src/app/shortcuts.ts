/// <reference lib="dom" />
import type { AppModel } from './app-model.js';
import { navigate } from './router.js';

/**
 * Single-key shortcuts (Gmail-style), ignored while typing in a field:
 * j/k move through the list, r replies, t takes, e resolves, 1–3 switch
 * views, ? opens the help and Escape closes it.
 */
export function installShortcuts(model: AppModel): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (e.key === 'Escape' && model.helpOpen) {
      model.helpOpen = false;
      model.changed();
      return;
    }
    if (e.key === '?') {
      model.helpOpen = !model.helpOpen;
      model.changed();
      e.preventDefault();
      return;
    }
    const s = model.signedIn;
    // The inbox's single keys act on conversations: elsewhere (admin, reports) they are plain keys.
    if (!s || model.helpOpen || model.route.name !== 'inbox') return;
    const list = s.inbox.visible();
    const index = s.thread ? list.findIndex((c) => c.id === s.thread!.id) : -1;
    const open = (i: number) => {
      const c = list[Math.max(0, Math.min(list.length - 1, i))];
      if (c) navigate({ name: 'inbox', conversationId: c.id });
    };
    const current = s.thread ? s.inbox.conversations.get(s.thread.id) : undefined;
    switch (e.key) {
      case 'j':
        open(index + 1);
        break;
      case 'k':
        open(index < 0 ? 0 : index - 1);
        break;
      case '/':
        document.getElementById('inbox-search')?.focus();
        break;
      case 'r':
        document.getElementById('composer-input')?.focus();
        break;
      case 't':
        if (current && current.agentId !== s.account.userId)
          void model.act(current.id, 'take').catch(() => undefined);
        break;
      case 'e':
        if (current && (current.status === 'open' || current.status === 'snoozed'))
          void model.act(current.id, 'resolve').catch(() => undefined);
        break;
      case '1':
        s.inbox.setView('mine');
        break;
      case '2':
        s.inbox.setView('unassigned');
        break;
      case '3':
        s.inbox.setView('all');
        break;
      default:
        return;
    }
    e.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
