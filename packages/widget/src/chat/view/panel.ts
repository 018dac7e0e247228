/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import type { ChatModel } from '../model.js';
import { Composer } from './composer.js';
import { OfflineForm, PreChatForm, Rating, TranscriptForm } from './forms.js';
import { DEFAULT_TEXTS } from '../../shared/default-texts.js';
import { MessageList } from './messages.js';

/**
 * The chat panel: a non-modal dialog labelled by its title. Opening moves the
 * focus into it (the mount does, after rendering); Escape and the close
 * button hand it back to the launcher (the loader does that).
 */
export function Panel({
  model,
  requestClose,
}: {
  model: ChatModel;
  requestClose: () => void;
}): ComponentChild {
  const t = model.t;
  const settings = model.config?.settings;
  const transcript = model.transcriptOpen;

  const queue =
    model.status === 'pending' && model.queuePosition
      ? t.queue.replace('{n}', String(model.queuePosition))
      : null;
  const notice = model.notice && t[model.notice];
  return h(
    'div',
    {
      class: 'panel',
      role: 'dialog',
      'aria-labelledby': 'pw-title',
      hidden: !model.isOpen,
      tabIndex: -1,
      onKeyDown: (e: KeyboardEvent) => e.key === 'Escape' && requestClose(),
    },
    h(
      'header',
      null,
      h(
        'div',
        null,
        h(
          'h2',
          { id: 'pw-title' },
          !settings?.title ? t.agent : settings.title === DEFAULT_TEXTS.title ? t.title : settings.title,
        ),
        settings?.subtitle && h('p', null, settings.subtitle),
      ),
      model.phase === 'chat' &&
        model.visitorMode &&
        h(
          'button',
          {
            type: 'button',
            class: 'icon',
            'aria-label': t.transcript,
            'aria-expanded': transcript,
            onClick: () => model.ui({ transcriptOpen: !transcript }),
          },
          '✉',
        ),
      h('button', { type: 'button', class: 'icon', 'aria-label': t.close, onClick: requestClose }, '×'),
    ),
    transcript && h(TranscriptForm, { model }),
    model.connection === 'reconnecting' && h('p', { class: 'bar', role: 'status' }, t.reconnecting),
    queue && h('p', { class: 'bar', role: 'status' }, queue),
    notice &&
      h(
        'p',
        {
          class:
            model.notice === 'transcriptSent' || model.notice === 'transcriptScheduled' ? 'bar' : 'bar warn',
          role: 'alert',
        },
        notice,
      ),
    body(model),
  );
}

function body(model: ChatModel): ComponentChild {
  const t = model.t;
  switch (model.phase) {
    case 'loading':
      return h('p', { class: 'center' }, t.loading);
    case 'prechat':
      return h('div', { class: 'scroll' }, h(MessageList, { model }), h(PreChatForm, { model }));
    case 'offline':
      return h('div', { class: 'scroll' }, h(OfflineForm, { model }));
    case 'offlineSent':
      return h('p', { class: 'center', role: 'status' }, t.offlineThanks);
    case 'away':
      return h(
        'div',
        { class: 'center' },
        h('p', null, h('strong', null, t.awayTitle)),
        h('p', { class: 'fallback' }, model.config?.settings.fallbackContact ?? ''),
      );
    case 'chat':
      return h(
        'div',
        { class: 'chat' },
        h(MessageList, { model }),
        model.status === 'resolved' && model.visitorMode && h(Rating, { model }),
        h(Composer, { model }),
      );
  }
}
