/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Conversation } from '@parley/protocol';
import type { AppModel, SignedIn } from '../app-model.js';
import { visitorName } from '../inbox-model.js';
import { href } from '../router.js';
import { describe } from './auth.js';

/** Only web pages become links: a `javascript:` or `data:` URL from a visitor stays text. */
export function safeHttpUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * The right column: who the visitor is (pre-chat answers), where they are
 * (the page the widget reported) and their earlier conversations. On a phone
 * it covers the conversation until closed.
 */
export function VisitorPanel({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  const t = model.t;
  const id = s.thread?.id;
  const c = id ? s.inbox.conversations.get(id) : undefined;
  if (!model.panelOpen || !id) return null;
  return h(
    'aside',
    { id: 'visitor-panel', class: 'visitor-panel', 'aria-label': t.visitorPanel },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', null, c ? visitorName(c, s.inbox.summaries.get(c.id)?.topic, t.visitor) : t.loading),
      h(
        'button',
        {
          type: 'button',
          class: 'ghost icon panel-close',
          'aria-label': t.close,
          title: t.close,
          onClick: () => model.togglePanel(false),
        },
        '×',
      ),
    ),
    c && h(Details, { model, c }),
    c && h(PreviousConversations, { key: c.id, model, s, c }),
  );
}

function Details({ model, c }: { model: AppModel; c: Conversation }): ComponentChild {
  const t = model.t;
  const answers = Object.entries(c.answers).filter(([, v]) => v.trim() !== '');
  const link = c.page ? safeHttpUrl(c.page.url) : null;
  return [
    h('h3', null, t.details),
    answers.length === 0
      ? h('p', { class: 'hint' }, t.noAnswers)
      : h(
          'dl',
          { class: 'answers' },
          answers.map(([key, value]) => [
            h('dt', { key }, t.answerLabel[key] ?? key),
            h('dd', { key: `${key}-v`, 'data-answer': key }, value),
          ]),
        ),
    h('h3', null, t.currentPage),
    c.page
      ? h(
          'div',
          { class: 'page-info' },
          c.page.title && h('p', { class: 'page-title' }, c.page.title),
          link
            ? h(
                'a',
                { class: 'page-url', href: link, target: '_blank', rel: 'noopener noreferrer' },
                c.page.url,
              )
            : h('p', { class: 'page-url' }, c.page.url),
        )
      : h('p', { class: 'hint' }, t.noPage),
  ];
}

function PreviousConversations({
  model,
  s,
  c,
}: {
  model: AppModel;
  s: SignedIn;
  c: Conversation;
}): ComponentChild {
  const t = model.t;
  const [items, setItems] = useState<Conversation[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    s.api
      .conversations({ visitorId: c.visitorId, limit: 20 })
      .then((page) => live && setItems(page.items))
      .catch((err) => live && setError(err));
    return () => {
      live = false;
    };
  }, [c.visitorId, c.id]);
  // The live feed keeps the inbox's copies current (status, labels): prefer them.
  const others = (items ?? []).filter((x) => x.id !== c.id).map((x) => s.inbox.conversations.get(x.id) ?? x);
  return [
    h('h3', null, t.previousConversations),
    error !== null && h('p', { class: 'alert error' }, describe(error, t)),
    items === null && error === null && h('p', { class: 'hint' }, t.loading),
    items !== null && others.length === 0 && h('p', { class: 'hint' }, t.noPrevious),
    others.length > 0 &&
      h(
        'ul',
        { class: 'previous' },
        others.map((p) =>
          h(
            'li',
            { key: p.id },
            h(
              'a',
              { href: href({ name: 'inbox', conversationId: p.id }), 'data-conversation': p.id },
              h(
                'span',
                { class: 'when' },
                new Date(p.createdAt).toLocaleDateString(model.language, {
                  day: 'numeric',
                  month: 'short',
                  year: 'numeric',
                }),
              ),
              ' ',
              h('span', { class: `pill ${p.status}` }, t.conversationStatus[p.status]),
              p.labels.length > 0 && h('span', { class: 'prev-labels' }, ` ${p.labels.join(', ')}`),
            ),
          ),
        ),
      ),
  ];
}
