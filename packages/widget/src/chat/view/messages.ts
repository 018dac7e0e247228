/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import type { Item } from '../items.js';
import { linkify } from '../linkify.js';
import type { ChatModel } from '../model.js';

/**
 * The conversation: welcome messages, history (older pages load when scrolled
 * to the top, or with the button, for keyboard users), and system notices.
 * A `log` region: screen readers announce new messages politely. Scrolling
 * after a change is the mount's business (it sees the DOM before and after).
 */
export function MessageList({ model }: { model: ChatModel }): ComponentChild {
  const welcome = model.hasOlder ? [] : (model.config?.settings.welcomeMessages ?? []);
  return h(
    'div',
    {
      class: 'log',
      role: 'log',
      'aria-live': 'polite',
      'aria-relevant': 'additions',
      tabIndex: 0,
      onScroll: (e: Event) => (e.currentTarget as HTMLElement).scrollTop < 40 && void model.loadOlder(),
    },
    model.hasOlder &&
      h('button', { type: 'button', class: 'older', onClick: () => void model.loadOlder() }, model.t.earlier),
    welcome.map((text, i) => bubble(`w${i}`, false, model.config!.settings.title, [h(Text, { text })])),
    model.items.map((item) => line(model, item)),
    model.typing && h('p', { class: 'typing' }, `${model.typing} ${model.t.typing}`),
  );
}

function line(model: ChatModel, item: Item): ComponentChild {
  const t = model.t;
  if (item.system) {
    const others = (item.system.participants ?? []).filter((p) => p.userId !== model.me);
    const text =
      item.type === 'topicUpdated'
        ? `${t.topic} ${item.system.topic ?? ''}`
        : others.length
          ? `${others.map((p) => p.displayName).join(', ')} ${item.type === 'participantAdded' ? t.joined : t.left}`
          : '';
    return text ? h('p', { key: item.key, class: 'sys' }, text) : null;
  }
  if (!item.content) return null;
  const mine = model.mine(item);
  const content = item.type === 'html' ? htmlToText(item.content) : item.content;
  const state = mine ? model.stateOf(item) : null;
  return bubble(item.key, mine, mine ? t.you : item.sender || t.agent, [
    h(Text, { text: content }),
    state &&
      h(
        'span',
        { class: `st ${state}` },
        t[state],
        state === 'failed' &&
          h('button', { type: 'button', class: 'retry', onClick: () => model.retry(item) }, t.retry),
      ),
  ]);
}

function bubble(key: string, mine: boolean, who: string, children: ComponentChild[]): ComponentChild {
  return h(
    'div',
    { key, class: mine ? 'm me' : 'm' },
    h('span', { class: 'who' }, who),
    h('div', { class: 'bubble' }, ...children),
  );
}

/** Text with its http(s) links: every run is a text node, never HTML. */
function Text({ text }: { text: string }): ComponentChild {
  return h(
    'p',
    { class: 'txt' },
    linkify(text).map((s) =>
      s.href
        ? h('a', { href: s.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, s.text)
        : s.text,
    ),
  );
}

/**
 * The server sanitizes `html` messages, but the widget shows text only: the
 * text content of an inert document (DOMParser runs no script, loads nothing).
 */
function htmlToText(html: string): string {
  return new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '';
}
