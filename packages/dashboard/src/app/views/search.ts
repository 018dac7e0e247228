/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import type { Highlighted, MessageMatch } from '@parley/protocol';
import type { AppModel, SignedIn } from '../app-model.js';
import { visitorName } from '../inbox-model.js';
import { href } from '../router.js';
import { describe } from './auth.js';

/** The search field above the list; Escape clears it. */
export function SearchBox({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  const t = model.t;
  const { search } = s;
  return h(
    'form',
    { class: 'search', role: 'search', onSubmit: (e: Event) => e.preventDefault() },
    h('label', { for: 'inbox-search', class: 'sr' }, t.search),
    h('input', {
      id: 'inbox-search',
      // Text, not search: the field's own clear button would double ours.
      type: 'text',
      autocomplete: 'off',
      placeholder: t.searchPlaceholder,
      value: search.query,
      maxLength: 200,
      onInput: (e: Event) => search.input((e.target as HTMLInputElement).value),
      onKeyDown: (e: KeyboardEvent) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          if (search.active) search.clear();
          else (e.target as HTMLElement).blur();
        }
      },
    }),
    search.active &&
      h(
        'button',
        { type: 'button', class: 'ghost icon', 'aria-label': t.clearSearch, onClick: () => search.clear() },
        '×',
      ),
  );
}

/** Highlight runs as text, the matched ones in `<mark>`: never markup from the server. */
export function HighlightedText({ runs }: { runs: Highlighted }): ComponentChild {
  return runs.map((run, i) => (run.match ? h('mark', { key: i }, run.text) : run.text));
}

/** What the search found: visitors' conversations, then messages; each opens its conversation. */
export function SearchResults({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  const t = model.t;
  const { search } = s;
  const result = search.result;
  const selected = s.thread?.id ?? null;
  const empty = result && result.conversations.length === 0 && result.messages.length === 0;
  return h(
    'div',
    { class: 'search-results', 'aria-busy': search.searching ? 'true' : 'false' },
    h('p', { class: 'sr', role: 'status' }, search.searching ? t.searching : empty ? t.noResults : ''),
    search.searching && !result && h('p', { class: 'empty' }, t.searching),
    search.error !== null && h('p', { class: 'alert error' }, describe(search.error, t)),
    empty && h('p', { class: 'empty' }, t.noResults),
    result &&
      result.conversations.length > 0 && [
        h('h2', { class: 'group-title', id: 'results-visitors' }, t.resultsVisitors),
        h(
          'ul',
          { class: 'conversations', 'aria-labelledby': 'results-visitors' },
          result.conversations.map((c) =>
            h(
              'li',
              { key: c.id },
              h(
                'a',
                {
                  href: href({ name: 'inbox', conversationId: c.id }),
                  class: `row${c.id === selected ? ' selected' : ''}`,
                  'aria-current': c.id === selected ? 'page' : undefined,
                  'data-conversation': c.id,
                },
                h('span', { class: 'name' }, visitorName(c, undefined, t.visitor)),
                c.answers.email && h('span', { class: 'preview' }, c.answers.email),
                h(
                  'span',
                  { class: 'row-bottom' },
                  h('span', { class: `pill ${c.status}` }, t.conversationStatus[c.status]),
                ),
              ),
            ),
          ),
        ),
      ],
    result &&
      result.messages.length > 0 && [
        h('h2', { class: 'group-title', id: 'results-messages' }, t.resultsMessages),
        h(
          'ul',
          { class: 'conversations', 'aria-labelledby': 'results-messages' },
          result.messages.map((m) => h(MessageResult, { key: m.messageId, model, s, m, selected })),
        ),
      ],
  );
}

function MessageResult(props: {
  model: AppModel;
  s: SignedIn;
  m: MessageMatch;
  selected: string | null;
}): ComponentChild {
  const { model, s, m, selected } = props;
  const c = s.inbox.conversations.get(m.conversationId);
  const when = new Date(m.createdAt).toLocaleString(model.language, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return h(
    'li',
    null,
    h(
      'a',
      {
        href: href({ name: 'inbox', conversationId: m.conversationId }),
        class: `row match${m.conversationId === selected ? ' selected' : ''}`,
        'data-conversation': m.conversationId,
        'data-message': m.messageId,
      },
      h(
        'span',
        { class: 'row-top' },
        h('span', { class: 'name' }, c ? visitorName(c, undefined, model.t.visitor) : m.senderDisplayName),
        h('span', { class: 'wait' }, when),
      ),
      h(
        'span',
        { class: 'snippet' },
        c && h('span', { class: 'sender' }, `${m.senderDisplayName}: `),
        h(HighlightedText, { runs: m.highlights }),
      ),
    ),
  );
}
