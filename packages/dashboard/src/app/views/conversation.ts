/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Conversation } from '@parley/protocol';
import type { AppModel, SignedIn } from '../app-model.js';
import { loadDraft, saveDraft } from '../drafts.js';
import { visitorName } from '../inbox-model.js';
import type { Item, ThreadModel } from '../thread-model.js';
import { isParleyError } from '@parley/sdk';
import { describe } from './auth.js';

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

type Action = 'take' | 'transfer' | 'snooze' | 'wake' | 'resolve' | 'reopen';

function ConversationHeader({
  model,
  s,
  c,
}: {
  model: AppModel;
  s: SignedIn;
  c: Conversation | undefined;
}): ComponentChild {
  const t = model.t;
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'transfer' | 'snooze' | null>(null);
  if (!c)
    return h(
      'header',
      { class: 'conv-header' },
      h('a', { class: 'back', href: '#/inbox' }, '‹ ', t.back),
      t.loading,
    );
  const me = s.account.userId;
  const mine = c.agentId === me && c.status !== 'resolved';
  const run = (action: Action, body?: unknown) => {
    setError(null);
    setDialog(null);
    model.act(c.id, action, body).catch((err) =>
      setError(
        // The server's own words (in English) say why: agent unavailable, state conflict…
        `${t.actionFailed}: ${isParleyError(err) && err.status > 0 ? `${err.message} (${err.code})` : describe(err, t)}`,
      ),
    );
  };
  const name = visitorName(c, s.inbox.summaries.get(c.id)?.topic, t.visitor);
  const assigned = c.agentId
    ? t.assignedTo(c.agentId === me ? t.you : (s.inbox.agentName(c.agentId) ?? ''))
    : t.unassigned;
  return h(
    'header',
    { class: 'conv-header' },
    h('a', { class: 'back', href: '#/inbox', 'aria-label': t.back }, '‹'),
    h(
      'div',
      { class: 'conv-title' },
      h('h2', null, name),
      h(
        'p',
        null,
        h('span', { class: `pill ${c.status}` }, t.conversationStatus[c.status]),
        ' ',
        assigned,
        c.answers.email ? ` · ${c.answers.email}` : '',
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      c.status === 'pending' &&
        h('button', { type: 'button', class: 'primary', onClick: () => run('take') }, t.take),
      c.status === 'open' && !mine && h('button', { type: 'button', onClick: () => run('take') }, t.take),
      (mine || c.status === 'pending') &&
        h(
          'button',
          { type: 'button', onClick: () => setDialog(dialog === 'transfer' ? null : 'transfer') },
          t.transfer,
        ),
      mine &&
        c.status === 'open' &&
        h(
          'button',
          { type: 'button', onClick: () => setDialog(dialog === 'snooze' ? null : 'snooze') },
          t.snooze,
        ),
      c.status === 'snoozed' && h('button', { type: 'button', onClick: () => run('wake') }, t.wake),
      (c.status === 'open' || c.status === 'snoozed') &&
        h('button', { type: 'button', 'data-action': 'resolve', onClick: () => run('resolve') }, t.resolve),
      c.status === 'resolved' && h('button', { type: 'button', onClick: () => run('reopen') }, t.reopen),
    ),
    dialog === 'snooze' &&
      h(
        'div',
        { class: 'popover', role: 'menu' },
        h(
          'button',
          {
            type: 'button',
            role: 'menuitem',
            onClick: () => run('snooze', { until: new Date(Date.now() + 3600_000).toISOString() }),
          },
          t.snoozeHour,
        ),
        h(
          'button',
          {
            type: 'button',
            role: 'menuitem',
            onClick: () => run('snooze', { until: tomorrowAtNine().toISOString() }),
          },
          t.snoozeTomorrow,
        ),
      ),
    dialog === 'transfer' && h(TransferDialog, { model, s, c, run, close: () => setDialog(null) }),
    error && h('p', { class: 'alert error', role: 'alert' }, error),
  );
}

function tomorrowAtNine(): Date {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d;
}

function TransferDialog(props: {
  model: AppModel;
  s: SignedIn;
  c: Conversation;
  run: (action: Action, body: unknown) => void;
  close: () => void;
}): ComponentChild {
  const { model, s, c, run, close } = props;
  const t = model.t;
  const agents = [...s.inbox.agents.values()].filter((a) => a.userId !== c.agentId && a.status === 'online');
  return h(
    'div',
    { class: 'popover transfer', role: 'dialog', 'aria-label': t.transferTitle },
    h('h3', null, t.toAgent),
    agents.length === 0 && h('p', { class: 'hint' }, t.noneAvailable),
    agents.map((a) =>
      h(
        'button',
        { key: a.userId, type: 'button', onClick: () => run('transfer', { agentId: a.userId }) },
        a.displayName,
      ),
    ),
    s.inbox.departments.length > 0 && h('h3', null, t.toDepartment),
    s.inbox.departments.map((d) =>
      h(
        'button',
        { key: d.id, type: 'button', onClick: () => run('transfer', { departmentId: d.id }) },
        d.name,
      ),
    ),
    h('button', { type: 'button', class: 'ghost', onClick: close }, t.cancel),
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
  const last = items[items.length - 1]?.key;

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
      items.map((item) => h(Line, { key: item.key, model, s, thread, item })),
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

function stateMark(state: string): string {
  return { pending: '◷', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' }[state] ?? '';
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
  useEffect(() => saveDraft(me, thread.id, draft), [draft]);
  const canWrite = !!c && c.agentId === me && (c.status === 'open' || c.status === 'snoozed');
  const send = () => {
    const text = draft.trim();
    if (!text || !canWrite) return;
    thread.send(text, s.account.displayName);
    setDraft('');
  };
  return h(
    'form',
    {
      class: 'composer',
      onSubmit: (e: Event) => {
        e.preventDefault();
        send();
      },
    },
    h('label', { for: 'composer-input', class: 'sr' }, t.messageLabel),
    h('textarea', {
      id: 'composer-input',
      rows: 2,
      value: draft,
      placeholder: canWrite
        ? t.composerPlaceholder
        : c?.status === 'resolved'
          ? t.composerResolved
          : t.composerDisabled,
      'aria-describedby': canWrite ? undefined : 'composer-why',
      readOnly: !canWrite,
      onInput: (e: Event) => {
        setDraft((e.target as HTMLTextAreaElement).value);
        if (canWrite) thread.announceTyping();
      },
      onKeyDown: (e: KeyboardEvent) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
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
    h('button', { type: 'submit', class: 'primary', disabled: !canWrite || draft.trim() === '' }, t.send),
  );
}
