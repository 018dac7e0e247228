/// <reference lib="dom" />
// A small chat view built only from the hooks, rendered by React in Chromium.
import { createElement as h, useState, type ChangeEvent, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { ChatClient } from '@parley/sdk';
import {
  ParleyProvider,
  useConnection,
  useMessages,
  useReadReceipts,
  useSendMessage,
  useThreads,
  useTyping,
  useUnreadCount,
} from '@parley/react';

function Chat({ threadId, userId }: { threadId: string; userId: string }) {
  const { status } = useConnection();
  const { threads } = useThreads();
  const { messages, loading } = useMessages(threadId);
  const send = useSendMessage(threadId);
  const { typingUsers, start, stop } = useTyping(threadId, { intervalMs: 500, idleMs: 2000 });
  const { readersOf } = useReadReceipts(threadId);
  const unread = useUnreadCount(threadId);
  const [draft, setDraft] = useState('');

  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    setDraft(e.target.value);
    start();
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim() === '') return;
    send(draft);
    stop();
    setDraft('');
  };

  return h(
    'main',
    null,
    h('p', { 'data-testid': 'status' }, status),
    h('p', { 'data-testid': 'threads' }, threads.map((t) => t.topic).join(',')),
    h('p', { 'data-testid': 'unread' }, String(unread)),
    h('p', { 'data-testid': 'loading' }, loading ? 'loading' : 'loaded'),
    h(
      'ul',
      { 'data-testid': 'messages' },
      messages.map((item) => {
        const text = item.kind === 'server' ? item.message.content : item.local.content;
        const state = item.local?.state ?? 'stored';
        const readers = item.kind === 'server' ? readersOf(item.message, userId).join(',') : '';
        return h('li', { key: item.key, 'data-state': state, 'data-readers': readers }, text);
      }),
    ),
    h(
      'p',
      { 'data-testid': 'typing' },
      typingUsers.length === 0 ? '' : `${typingUsers.map((u) => u.displayName).join(', ')} is typing`,
    ),
    h(
      'form',
      { onSubmit },
      h('input', { 'data-testid': 'draft', value: draft, onChange }),
      h('button', { type: 'submit' }, 'Send'),
    ),
  );
}

const params = new URLSearchParams(location.hash.slice(1));
const client = new ChatClient(location.origin, params.get('token') ?? '');
createRoot(document.getElementById('root')!).render(
  h(
    ParleyProvider,
    { client },
    h(Chat, { threadId: params.get('thread') ?? '', userId: params.get('user') ?? '' }),
  ),
);
