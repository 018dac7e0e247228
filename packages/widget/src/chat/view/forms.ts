/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import type { ChatModel } from '../model.js';
import { Field } from './fields.js';

/*
 * Browser validation is off (`noValidate`): the model's messages are
 * translated and announced. Values live in the model (one form at a time).
 */
const bind = (model: ChatModel, key: string) => (value: string) =>
  model.ui({ values: { ...model.values, [key]: value } });

/** The organization's pre-chat form, shown before the first message. */
export function PreChatForm({ model }: { model: ChatModel }): ComponentChild {
  const values = model.values;
  const fields = model.config?.settings.preChatForm ?? [];
  return h(
    'form',
    {
      class: 'form',
      noValidate: true,
      onSubmit: (e: Event) => {
        e.preventDefault();
        void model.submitPreChat(values);
      },
    },
    fields.map((f) =>
      h(Field, {
        key: f.key,
        id: f.key,
        label: f.label,
        type: f.type,
        required: f.required,
        value: values[f.key] ?? '',
        error: model.fieldErrors[f.key],
        onInput: bind(model, f.key),
      }),
    ),
    h('button', { type: 'submit', class: 'primary' }, model.t.start),
  );
}

/** Seed 001's offline form: nobody is online, leave a message for an email answer. */
export function OfflineForm({ model }: { model: ChatModel }): ComponentChild {
  const values = model.values;
  const t = model.t;
  const field = (id: 'name' | 'email' | 'message', label: string, type: 'name' | 'email' | 'textarea') =>
    h(Field, {
      id,
      label,
      type,
      required: true,
      value: values[id] ?? '',
      error: model.fieldErrors[id],
      onInput: bind(model, id),
    });
  return h(
    'form',
    {
      class: 'form',
      noValidate: true,
      onSubmit: (e: Event) => {
        e.preventDefault();
        void model.submitOffline({
          name: values.name ?? '',
          email: values.email ?? '',
          message: values.message ?? '',
        });
      },
    },
    h('p', { class: 'intro' }, h('strong', null, t.awayTitle), ' ', t.offlineIntro),
    field('name', t.name, 'name'),
    field('email', t.email, 'email'),
    field('message', t.yourMessage, 'textarea'),
    h('button', { type: 'submit', class: 'primary' }, t.leaveMessage),
  );
}

/** After the agent resolves: 1–5 and an optional comment. */
export function Rating({ model }: { model: ChatModel }): ComponentChild {
  const { score, comment, t } = model;
  if (model.rated) return h('p', { class: 'sys', role: 'status' }, t.ratingThanks);
  return h(
    'form',
    {
      class: 'rating',
      onSubmit: (e: Event) => {
        e.preventDefault();
        if (score) void model.rate(score, comment);
      },
    },
    h(
      'fieldset',
      null,
      h('legend', null, t.resolved),
      [1, 2, 3, 4, 5].map((n) =>
        h(
          'button',
          {
            type: 'button',
            key: n,
            class: n <= score ? 'star on' : 'star',
            'aria-pressed': n === score,
            'aria-label': t.rate.replace('{n}', String(n)),
            onClick: () => model.ui({ score: n }),
          },
          '★',
        ),
      ),
    ),
    h('label', { for: 'pw-comment', class: 'sr' }, t.comment),
    h('input', {
      id: 'pw-comment',
      placeholder: t.comment,
      value: comment,
      maxLength: 1000,
      onInput: (e: Event) => model.ui({ comment: (e.target as HTMLInputElement).value }),
    }),
    h('button', { type: 'submit', class: 'primary', disabled: !score }, t.submitRating),
  );
}

/** "Email me the transcript": now when resolved, else when it will be. */
export function TranscriptForm({ model }: { model: ChatModel }): ComponentChild {
  const email = model.values.transcript ?? '';
  const t = model.t;
  return h(
    'form',
    {
      class: 'transcript',
      onSubmit: (e: Event) => {
        e.preventDefault();
        if (email) void model.transcript(email);
      },
    },
    h('label', { for: 'pw-transcript' }, t.transcript),
    h('input', {
      id: 'pw-transcript',
      type: 'email',
      autocomplete: 'email',
      required: true,
      value: email,
      onInput: (e: Event) => bind(model, 'transcript')((e.target as HTMLInputElement).value),
    }),
    h('button', { type: 'submit', class: 'primary' }, t.transcriptSend),
  );
}
