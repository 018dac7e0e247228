/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { CannedResponse, Conversation, Note } from '@parley/protocol';
import type { AppModel, SignedIn } from '../app-model.js';
import { loadDraft, saveDraft } from '../drafts.js';
import { visitorName } from '../inbox-model.js';
import type { Item, ThreadModel } from '../thread-model.js';
import { describe } from './auth.js';
import { ConversationHeader } from './conversation-header.js';

/** How close to the bottom still counts as "at the bottom" (new messages scroll into view). */
const STICK_PX = 80;

export function ConversationPane({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  const t = model.t;
  const thread = s.thread;
  if (!thread)
    return h('section', { class: 'conversation-pane empty-pane' }, h('p', null, t.selectConversation));
  const c = s.inbox.conversations.get(thread.id);
  return h(
    'section',
    {
      class: 'conversation-pane',
      'aria-label': c ? visitorName(c, s.inbox.summaries.get(c.id)?.topic, t.visitor) : t.loading,
    },
    h(ConversationHeader, { model, s, c }),
    h(Messages, { key: thread.id, model, s, thread }),
    h(Composer, { key: thread.id, model, s, thread, c }),
  );
}

function Messages({
  model,
  s,
  thread,
}: {
  model: AppModel;
  s: SignedIn;
  thread: ThreadModel;
}): ComponentChild {
  const t = model.t;
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** Height before older messages were prepended: the view stays on what the agent was reading. */
  const anchor = useRef<number | null>(null);
  const [unseenBelow, setUnseenBelow] = useState(false);
  const items = thread.list();
  const entries = thread.timeline();
  const last = entries[entries.length - 1]?.key;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (anchor.current !== null) {
      el.scrollTop += el.scrollHeight - anchor.current;
      anchor.current = null;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  });
  useEffect(() => {
    if (!atBottom.current) setUnseenBelow(true);
  }, [last]);

  const onScroll = () => {
    const el = ref.current!;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    if (atBottom.current && unseenBelow) setUnseenBelow(false);
    if (el.scrollTop < 40 && thread.hasOlder && !thread.loadingOlder) {
      anchor.current = el.scrollHeight;
      void thread.loadOlder();
    }
  };

  return h(
    'div',
    { class: 'messages-wrap' },
    h(
      'div',
      {
        class: 'messages',
        ref,
        onScroll,
        role: 'log',
        'aria-live': 'polite',
        tabIndex: 0,
        'aria-label': t.conversations,
      },
      thread.loadingOlder && h('p', { class: 'system' }, t.loadingOlder),
      thread.loaded &&
        !thread.hasOlder &&
        items.length > 0 &&
        h('p', { class: 'system start' }, t.startOfConversation),
      !thread.loaded && h('p', { class: 'system' }, t.loading),
      thread.error !== null && h('p', { class: 'alert error' }, describe(thread.error, t)),
      entries.map((entry) =>
        entry.kind === 'note'
          ? h(NoteLine, { key: entry.key, model, note: entry.note })
          : h(Line, { key: entry.key, model, s, thread, item: entry.item }),
      ),
    ),
    thread.typing && h('p', { class: 'typing', 'aria-live': 'polite' }, t.typing(thread.typing)),
    unseenBelow &&
      h(
        'button',
        {
          type: 'button',
          class: 'jump',
          onClick: () => {
            const el = ref.current!;
            el.scrollTop = el.scrollHeight;
            atBottom.current = true;
            setUnseenBelow(false);
          },
        },
        t.newMessages,
        ' ↓',
      ),
  );
}

function Line({
  model,
  s,
  thread,
  item,
}: {
  model: AppModel;
  s: SignedIn;
  thread: ThreadModel;
  item: Item;
}): ComponentChild {
  const t = model.t;
  if (item.type !== 'text' && item.type !== 'html') {
    const names = (item.system?.participants ?? []).map((p) => p.displayName).join(', ');
    if (!names || item.type === 'topicUpdated') return null;
    return h('p', { class: 'system' }, item.type === 'participantRemoved' ? t.left(names) : t.joined(names));
  }
  const mine = item.senderId === s.account.userId;
  const state = thread.stateOf(item);
  const time = new Date(item.createdAt).toLocaleTimeString(model.language, {
    hour: '2-digit',
    minute: '2-digit',
  });
  return h(
    'div',
    { class: `msg ${mine ? 'mine' : 'theirs'}`, 'data-sequence': item.sequence ?? undefined },
    !mine && h('span', { class: 'sender' }, item.senderDisplayName),
    // Always text: whatever the visitor typed, markup included, is shown as typed.
    h('p', { class: 'bubble' }, item.deleted ? '—' : item.content),
    h(
      'span',
      { class: 'meta' },
      time,
      state &&
        h(
          'span',
          { class: `state ${state}`, 'data-state': state, title: t.stateLabel[state] },
          ' · ',
          stateMark(state),
          h('span', { class: 'sr' }, t.stateLabel[state]),
        ),
      state === 'failed' &&
        item.clientMessageId &&
        h(
          'button',
          { type: 'button', class: 'link', onClick: () => thread.retry(item.clientMessageId!) },
          t.retry,
        ),
    ),
  );
}

/** A private note: agents only, styled apart so nobody mistakes it for a reply. */
function NoteLine({ model, note }: { model: AppModel; note: Note }): ComponentChild {
  const t = model.t;
  const time = new Date(note.createdAt).toLocaleTimeString(model.language, {
    hour: '2-digit',
    minute: '2-digit',
  });
  return h(
    'div',
    { class: 'msg note', 'data-note': note.id },
    h(
      'span',
      { class: 'sender' },
      h('span', { class: 'note-tag' }, t.privateNote),
      ' · ',
      note.authorDisplayName,
    ),
    h('p', { class: 'bubble' }, note.content),
    h('span', { class: 'meta' }, time),
  );
}

function stateMark(state: string): string {
  return { pending: '◷', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' }[state] ?? '';
}

type Mode = 'reply' | 'note';

/** What `/shortcut` at the start of the draft asks for; null when the draft is not one. */
function cannedQuery(draft: string): string | null {
  const m = /^\/([a-z0-9_-]*)$/i.exec(draft);
  return m ? m[1]!.toLowerCase() : null;
}

function Composer(props: {
  model: AppModel;
  s: SignedIn;
  thread: ThreadModel;
  c: Conversation | undefined;
}): ComponentChild {
  const { model, s, thread, c } = props;
  const t = model.t;
  const me = s.account.userId;
  const [draft, setDraft] = useState(() => loadDraft(me, thread.id));
  const [mode, setMode] = useState<Mode>('reply');
  const [active, setActive] = useState(0);
  /** Escape closed the list for this very draft; typing on reopens it. */
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => saveDraft(me, thread.id, draft), [draft]);
  const canReply = !!c && c.agentId === me && (c.status === 'open' || c.status === 'snoozed');
  // Any agent of the organization may write a note, whoever has the conversation.
  const canWrite = mode === 'note' ? !!c : canReply;

  const query = canWrite && dismissed !== draft ? cannedQuery(draft) : null;
  const matches: CannedResponse[] =
    query === null
      ? []
      : [
          ...s.inbox.canned.filter((r) => r.shortcut.startsWith(query)),
          ...s.inbox.canned.filter((r) => !r.shortcut.startsWith(query) && r.shortcut.includes(query)),
        ].slice(0, 8);
  const listOpen = query !== null && s.inbox.canned.length > 0;
  const current = Math.min(active, Math.max(0, matches.length - 1));
  const optionId = (r: CannedResponse) => `canned-${r.id}`;

  const insert = (r: CannedResponse) => {
    setDraft(r.content);
    setActive(0);
    const el = input.current;
    if (el) {
      el.value = r.content;
      el.focus();
      el.setSelectionRange(r.content.length, r.content.length);
    }
  };

  const send = () => {
    const text = draft.trim();
    if (!text || !canWrite || busy) return;
    if (mode === 'reply') {
      thread.send(text, s.account.displayName);
      setDraft('');
      return;
    }
    setBusy(true);
    setError(null);
    model
      .addNote(thread.id, text)
      .then(() => setDraft(''))
      .catch((err) => setError(`${t.noteFailed}: ${describe(err, t)}`))
      .finally(() => setBusy(false));
  };

  const placeholder =
    mode === 'note'
      ? t.notePlaceholder
      : canReply
        ? t.composerPlaceholder
        : c?.status === 'resolved'
          ? t.composerResolved
          : t.composerDisabled;
  const modeButton = (m: Mode, label: string) =>
    h(
      'button',
      {
        type: 'button',
        class: `mode${mode === m ? ' active' : ''}${m === 'note' ? ' note' : ''}`,
        'aria-pressed': mode === m ? 'true' : 'false',
        'data-mode': m,
        onClick: () => {
          setMode(m);
          setError(null);
          input.current?.focus();
        },
      },
      label,
    );

  return h(
    'form',
    {
      class: `composer${mode === 'note' ? ' note-mode' : ''}`,
      onSubmit: (e: Event) => {
        e.preventDefault();
        send();
      },
    },
    h(
      'div',
      { class: 'composer-modes', role: 'group', 'aria-label': t.composerMode },
      modeButton('reply', t.replyMode),
      modeButton('note', t.noteMode),
    ),
    h(
      'div',
      { class: 'composer-row' },
      listOpen &&
        h(
          'div',
          { class: 'canned' },
          h('p', { class: 'canned-title', id: 'canned-title' }, t.cannedTitle),
          matches.length === 0 && h('p', { class: 'hint' }, t.noCanned),
          h(
            'ul',
            { id: 'canned-list', role: 'listbox', 'aria-labelledby': 'canned-title' },
            matches.map((r, i) =>
              h(
                'li',
                {
                  key: r.id,
                  id: optionId(r),
                  role: 'option',
                  'aria-selected': i === current ? 'true' : 'false',
                  class: i === current ? 'active' : undefined,
                  // Keep the focus in the textarea.
                  onMouseDown: (e: MouseEvent) => e.preventDefault(),
                  onClick: () => insert(r),
                },
                h('span', { class: 'shortcut' }, `/${r.shortcut}`),
                h('span', { class: 'content' }, r.content),
              ),
            ),
          ),
        ),
      h('label', { for: 'composer-input', class: 'sr' }, mode === 'note' ? t.privateNote : t.messageLabel),
      h('textarea', {
        id: 'composer-input',
        ref: input,
        rows: 2,
        value: draft,
        placeholder,
        'aria-describedby': canWrite ? undefined : 'composer-why',
        'aria-autocomplete': 'list',
        'aria-controls': listOpen ? 'canned-list' : undefined,
        'aria-activedescendant': listOpen && matches[current] ? optionId(matches[current]) : undefined,
        readOnly: !canWrite,
        onInput: (e: Event) => {
          const value = (e.target as HTMLTextAreaElement).value;
          setDraft(value);
          setActive(0);
          if (cannedQuery(value) === null) setDismissed(null);
          if (canWrite && mode === 'reply') thread.announceTyping();
        },
        onKeyDown: (e: KeyboardEvent) => {
          if (listOpen && matches.length > 0 && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
            e.preventDefault();
            const step = e.key === 'ArrowDown' ? 1 : -1;
            setActive((current + step + matches.length) % matches.length);
          } else if (listOpen && (e.key === 'Enter' || e.key === 'Tab') && matches[current]) {
            e.preventDefault();
            insert(matches[current]);
          } else if (listOpen && e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            setDismissed(draft);
          } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          } else if (e.key === 'Escape') {
            (e.target as HTMLElement).blur();
          }
        },
      }),
      !canWrite &&
        h(
          'span',
          { id: 'composer-why', class: 'sr' },
          c?.status === 'resolved' ? t.composerResolved : t.composerDisabled,
        ),
      h(
        'button',
        { type: 'submit', class: 'primary', disabled: !canWrite || busy || draft.trim() === '' },
        mode === 'note' ? t.addNote : t.send,
      ),
    ),
    error && h('p', { class: 'alert error', role: 'alert' }, error),
  );
}
