/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AppModel, SignedIn } from '../app-model.js';
import { ConversationPane } from './conversation.js';
import { ConversationList } from './list.js';
import { Header, HelpOverlay, ReconnectingBanner } from './header.js';
import { VisitorPanel } from './visitor-panel.js';

/** The signed-in screen: list and conversation side by side, or one at a time on a phone. */
export function InboxScreen({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  // Waiting times tick without any request.
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return h(
    'div',
    {
      class: `shell${s.thread ? ' has-conversation' : ''}${s.thread && model.panelOpen ? ' has-panel' : ''}`,
    },
    h(Header, { model, s }),
    h(ReconnectingBanner, { model, s }),
    h(
      'div',
      { class: 'panes' },
      h(ConversationList, { model, s, now: Math.max(now, Date.now()) }),
      h('main', { class: 'main-pane' }, h(ConversationPane, { model, s }), h(VisitorPanel, { model, s })),
    ),
    model.helpOpen && h(HelpOverlay, { model }),
  );
}
