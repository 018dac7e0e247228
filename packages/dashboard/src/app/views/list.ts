/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import type { Conversation } from '@parley/protocol';
import type { AppModel, SignedIn } from '../app-model.js';
import { shortDuration } from '../i18n.js';
import { visitorName, type StatusFilter, type View } from '../inbox-model.js';
import { href } from '../router.js';
import { SearchBox, SearchResults } from './search.js';

const VIEWS: View[] = ['mine', 'unassigned', 'all'];
const STATUSES: StatusFilter[] = ['any', 'open', 'pending', 'snoozed', 'resolved'];

/** The left pane: views, the status filter, and the conversations of the view. */
export function ConversationList({
  model,
  s,
  now,
}: {
  model: AppModel;
  s: SignedIn;
  now: number;
}): ComponentChild {
  const t = model.t;
  const { inbox } = s;
  const items = inbox.visible();
  const viewLabel = { mine: t.viewMine, unassigned: t.viewUnassigned, all: t.viewAll };
  const selected = s.thread?.id ?? null;
  if (s.search.active)
    return h(
      'nav',
      { class: 'list-pane', 'aria-label': t.conversations },
      h(SearchBox, { model, s }),
      h(SearchResults, { model, s }),
    );
  const { filters } = inbox;
  const agents = [...inbox.agents.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  return h(
    'nav',
    { class: 'list-pane', 'aria-label': t.conversations },
    h(SearchBox, { model, s }),
    h(
      'div',
      { class: 'tabs', role: 'tablist', 'aria-label': t.views },
      VIEWS.map((v) =>
        h(
          'button',
          {
            key: v,
            type: 'button',
            role: 'tab',
            'aria-selected': inbox.view === v ? 'true' : 'false',
            class: inbox.view === v ? 'tab active' : 'tab',
            onClick: () => inbox.setView(v),
          },
          viewLabel[v],
          v === 'unassigned' && countPending(s) > 0 && h('span', { class: 'count' }, String(countPending(s))),
        ),
      ),
    ),
    h(
      'div',
      { class: 'filters' },
      h('label', { for: 'status-filter' }, t.statusFilter),
      h(
        'select',
        {
          id: 'status-filter',
          value: inbox.view === 'unassigned' ? 'pending' : inbox.status,
          disabled: inbox.view === 'unassigned',
          onChange: (e: Event) =>
            inbox.setView(inbox.view, (e.target as HTMLSelectElement).value as StatusFilter),
        },
        STATUSES.map((st) =>
          h('option', { key: st, value: st }, st === 'any' ? t.anyStatus : t.conversationStatus[st]),
        ),
      ),
      inbox.departments.length > 0 && h('label', { for: 'department-filter' }, t.departmentFilter),
      inbox.departments.length > 0 &&
        h(
          'select',
          {
            id: 'department-filter',
            value: filters.departmentId,
            onChange: (e: Event) => inbox.setFilters({ departmentId: (e.target as HTMLSelectElement).value }),
          },
          h('option', { value: '' }, t.anyDepartment),
          inbox.departments.map((d) => h('option', { key: d.id, value: d.id }, d.name)),
        ),
      h('label', { for: 'agent-filter' }, t.agentFilter),
      h(
        'select',
        {
          id: 'agent-filter',
          value: inbox.agentFilterApplies ? filters.agentId : '',
          disabled: !inbox.agentFilterApplies,
          onChange: (e: Event) => inbox.setFilters({ agentId: (e.target as HTMLSelectElement).value }),
        },
        h('option', { value: '' }, t.anyAgent),
        agents.map((a) => h('option', { key: a.userId, value: a.userId }, a.displayName)),
      ),
      h('label', { for: 'label-filter' }, t.labelFilter),
      h(LabelFilter, { model, s }),
    ),
    h(
      'ul',
      { class: 'conversations', 'aria-busy': inbox.loading ? 'true' : 'false' },
      items.map((c) => h(Row, { key: c.id, model, s, c, now, selected: c.id === selected })),
    ),
    items.length === 0 &&
      !inbox.loading &&
      h(
        'div',
        { class: 'empty' },
        h('p', { class: 'empty-title' }, t.noConversations),
        h('p', null, t.noConversationsHint),
      ),
    inbox.loading && items.length === 0 && h('p', { class: 'empty' }, t.loading),
    inbox.nextCursor &&
      h('button', { type: 'button', class: 'ghost more', onClick: () => void inbox.load(true) }, t.loadMore),
  );
}

/** A label typed or picked from those seen; applied on change (Enter, or leaving the field). */
function LabelFilter({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  const { inbox } = s;
  const apply = (e: Event) => {
    const value = (e.target as HTMLInputElement).value.trim();
    if (value !== inbox.filters.label) inbox.setFilters({ label: value });
  };
  return [
    h('input', {
      id: 'label-filter',
      type: 'search',
      list: 'known-labels',
      maxLength: 40,
      placeholder: model.t.anyLabel,
      value: inbox.filters.label,
      onChange: apply,
      onKeyDown: (e: KeyboardEvent) => e.key === 'Enter' && apply(e),
    }),
    h(
      'datalist',
      { id: 'known-labels' },
      inbox.knownLabels().map((l) => h('option', { key: l, value: l })),
    ),
  ];
}

function countPending(s: SignedIn): number {
  let n = 0;
  for (const c of s.inbox.conversations.values()) if (c.status === 'pending') n += 1;
  return n;
}

function Row(props: {
  model: AppModel;
  s: SignedIn;
  c: Conversation;
  now: number;
  selected: boolean;
}): ComponentChild {
  const { model, s, c, now, selected } = props;
  const t = model.t;
  const summary = s.inbox.summaries.get(c.id);
  const name = visitorName(c, summary?.topic, t.visitor);
  const preview = summary?.lastMessage?.content ?? '';
  const unread = summary?.unreadCount ?? 0;
  const waitingSince = c.status === 'pending' ? c.enqueuedAt : null;
  return h(
    'li',
    null,
    h(
      'a',
      {
        href: href({ name: 'inbox', conversationId: c.id }),
        class: `row${selected ? ' selected' : ''}${unread > 0 ? ' unread' : ''}`,
        'aria-current': selected ? 'page' : undefined,
        'data-conversation': c.id,
      },
      h(
        'span',
        { class: 'row-top' },
        h('span', { class: 'name' }, name),
        unread > 0 && h('span', { class: 'badge', 'aria-label': t.unread(unread) }, String(unread)),
      ),
      h('span', { class: 'preview' }, preview || '\u00a0'),
      h(
        'span',
        { class: 'row-bottom' },
        h('span', { class: `pill ${c.status}` }, t.conversationStatus[c.status]),
        waitingSince &&
          h(
            'span',
            { class: 'wait' },
            t.waiting(shortDuration(now - Date.parse(waitingSince), model.language)),
          ),
        c.labels.length > 0 && h('span', { class: 'row-labels' }, c.labels.join(' · ')),
        c.agentId &&
          c.status !== 'pending' &&
          h(
            'span',
            { class: 'agent' },
            c.agentId === s.account.userId ? t.you : s.inbox.agentName(c.agentId),
          ),
      ),
    ),
  );
}
