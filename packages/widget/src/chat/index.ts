/// <reference lib="dom" />
import { h, render } from 'preact';
import type { ChatController, ChatContext } from '../shared/contract.js';
import { ChatModel } from './model.js';
import { CHAT_CSS } from './styles.js';
import { Panel } from './view/panel.js';

/**
 * The chat chunk's one export, called by the loader once the chunk is
 * downloaded: adds the panel to the loader's shadow root and starts the
 * visitor's session (resume, conversation, live events).
 */
export function mount(context: ChatContext): ChatController {
  const style = document.createElement('style');
  style.textContent = CHAT_CSS;
  // The loader's frame carries the position class and the brand colours.
  const frame = context.root.querySelector('.p') ?? context.root;
  const container = document.createElement('div');
  context.root.append(style);
  frame.append(container);
  let focusedFor = '';
  let lastKey: string | undefined;

  // Preact renders synchronously: the DOM can be measured just before and after.
  const draw = () => {
    const log = container.querySelector('.log');
    const before = log ? { top: log.scrollTop, height: log.scrollHeight } : null;
    render(h(Panel, { model, requestClose: context.requestClose }), container);
    keepScroll(before);
    moveFocus();
  };

  // A new last message (or typing) follows the bottom; an older page loaded above keeps the visitor's place.
  function keepScroll(before: { top: number; height: number } | null): void {
    const log = container.querySelector('.log');
    if (!log) return;
    const items = model.items;
    const key = `${items[items.length - 1]?.key}:${model.typing}`;
    if (key !== lastKey || !before) log.scrollTop = log.scrollHeight;
    else log.scrollTop = before.top + log.scrollHeight - before.height;
    lastKey = key;
  }

  // On opening, and when the panel's content changes (form → chat), focus its first field.
  function moveFocus(): void {
    const state = model.isOpen ? model.phase : '';
    if (state === focusedFor) return;
    focusedFor = state;
    if (!state) return;
    const panel = container.querySelector<HTMLElement>('.panel')!;
    (panel.querySelector<HTMLElement>('textarea,input,button.primary') ?? panel).focus();
  }

  const model = new ChatModel(context, draw);
  draw();
  void model.start();
  return {
    setOpen: (open) => model.setOpen(open),
    identify: (proof) => model.identify(proof),
    destroy() {
      model.destroy();
      render(null, container);
      container.remove();
      style.remove();
    },
  };
}
