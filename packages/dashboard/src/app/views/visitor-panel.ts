/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Conversation } from '@parley/protocol';
import type { AppModel, SignedIn } from '../app-model.js';
import { visitorName } from '../inbox-model.js';
import { href } from '../router.js';
import { describe } from './auth.js';
import { userAgentSummary } from '../user-agent.js';

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
 * (the page the widget reported, their browser, language, local time and
 * location, when known) and their earlier conversations. On a phone
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
    h(ClientDetails, { model, c }),
  ];
}

/** The visitor's local time now, or null when the browser's zone is unknown here. */
function localTime(timeZone: string, language: string): string | null {
  try {
    return new Date().toLocaleTimeString(language, { timeZone, hour: '2-digit', minute: '2-digit' });
  } catch {
    return null;
  }
}

/** `français (France) (fr-FR)`, or the tag alone when the browser cannot name it. */
function languageName(tag: string, language: string): string {
  try {
    const name = new Intl.DisplayNames([language], { type: 'language' }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

/** What the server recorded of the visitor's browser; every value is text from the visitor. */
function ClientDetails({ model, c }: { model: AppModel; c: Conversation }): ComponentChild {
  const t = model.t;
  const client = c.client;
  const time = client?.timeZone ? localTime(client.timeZone, model.language) : null;
  const place = [client?.location, client?.geo].filter((v): v is string => !!v).join(' · ');
  const rows: [key: string, label: string, value: string, title?: string][] = [];
  if (client?.userAgent)
    rows.push([
      'browser',
      t.clientBrowser,
      userAgentSummary(client.userAgent, t.browserOn),
      client.userAgent,
    ]);
  if (client?.language)
    rows.push(['language', t.clientLanguage, languageName(client.language, model.language)]);
  if (client?.timeZone)
    rows.push(['time', t.clientLocalTime, time ? `${time} (${client.timeZone})` : client.timeZone]);
  if (place) rows.push(['location', t.clientLocation, place]);
  return [
    h('h3', null, t.visitorClient),
    rows.length === 0
      ? h('p', { class: 'hint' }, t.noClient)
      : h(
          'dl',
          { class: 'answers client-info' },
          rows.map(([key, label, value, title]) => [
            h('dt', { key }, label),
            h('dd', { key: `${key}-v`, 'data-client': key, ...(title && { title }) }, value),
          ]),
        ),
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
