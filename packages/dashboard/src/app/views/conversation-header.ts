/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { Conversation } from '@parley/protocol';
import type { AppModel, SignedIn } from '../app-model.js';
import { visitorName } from '../inbox-model.js';
import { isParleyError } from '@parley/sdk';
import { describe } from './auth.js';

type Action = 'take' | 'transfer' | 'snooze' | 'wake' | 'resolve' | 'reopen';

/**
 * Above the messages: who the visitor is, the conversation's status and
 * agent, its actions (take, transfer, snooze, wake, resolve, reopen) and
 * its labels.
 */
export function ConversationHeader({
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
      h(
        'button',
        {
          type: 'button',
          class: `ghost panel-toggle${model.panelOpen ? ' active' : ''}`,
          'aria-expanded': model.panelOpen ? 'true' : 'false',
          'aria-controls': 'visitor-panel',
          onClick: () => model.togglePanel(),
        },
        t.showVisitor,
      ),
    ),
    h(Labels, { key: c.id, model, s, c }),
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

/**
 * The conversation's labels: shown, removed with their ×, added with the
 * little form, which suggests the organization's labels (most used first,
 * from the server) and those seen on the loaded conversations.
 */
function Labels({ model, s, c }: { model: AppModel; s: SignedIn; c: Conversation }): ComponentChild {
  const t = model.t;
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const suggestions = s.inbox.knownLabels().filter((l) => !c.labels.includes(l));
  const save = (labels: string[]) => {
    setError(null);
    return model.setLabels(c.id, labels).then(
      () => true,
      (err) => {
        setError(
          `${t.labelFailed}: ${isParleyError(err) && err.status > 0 ? err.message : describe(err, t)}`,
        );
        return false;
      },
    );
  };
  const add = () => {
    const label = text.trim().replace(/\s+/g, ' ');
    if (!label) return;
    if (c.labels.includes(label)) return setText('');
    void save([...c.labels, label]).then((ok) => ok && setText(''));
  };
  return h(
    'div',
    { class: 'labels', role: 'group', 'aria-label': t.labels },
    h(
      'ul',
      { class: 'label-list' },
      c.labels.length === 0 && h('li', { class: 'hint' }, t.noLabels),
      c.labels.map((label) =>
        h(
          'li',
          { key: label, class: 'label' },
          h('span', { class: 'label-text' }, label),
          h(
            'button',
            {
              type: 'button',
              class: 'label-remove',
              'aria-label': t.removeLabel(label),
              title: t.removeLabel(label),
              onClick: () => void save(c.labels.filter((l) => l !== label)),
            },
            '×',
          ),
        ),
      ),
    ),
    h(
      'form',
      {
        class: 'label-add',
        onSubmit: (e: Event) => {
          e.preventDefault();
          add();
        },
      },
      h('label', { for: 'label-input', class: 'sr' }, t.addLabel),
      h('input', {
        id: 'label-input',
        type: 'text',
        maxLength: 40,
        placeholder: t.addLabel,
        value: text,
        list: 'label-suggestions',
        onInput: (e: Event) => setText((e.target as HTMLInputElement).value),
      }),
      h(
        'datalist',
        { id: 'label-suggestions' },
        suggestions.map((l) => h('option', { key: l, value: l })),
      ),
      h('button', { type: 'submit', disabled: text.trim() === '' }, t.addLabelButton),
    ),
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
