/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Session, SetupStatus } from '@parley/protocol';
import { isParleyError } from '@parley/sdk';
import { auth } from '../api.js';
import type { AppModel } from '../app-model.js';
import type { Strings } from '../i18n.js';
import { navigate } from '../router.js';
import { LanguageSwitch } from './header.js';
import { ACCOUNT_LIMITS } from '@parley/protocol/field-limits';

interface FieldProps {
  id: string;
  label: string;
  type?: string;
  value: string;
  onInput: (value: string) => void;
  autocomplete?: string;
  hint?: string;
  minLength?: number;
}

/** A labelled, required input with an optional hint (also on the account page). */
export function Field(p: FieldProps): ComponentChild {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: p.id }, p.label),
    h('input', {
      id: p.id,
      name: p.id,
      type: p.type ?? 'text',
      value: p.value,
      required: true,
      ...(p.minLength && { minLength: p.minLength }),
      ...(p.autocomplete && { autocomplete: p.autocomplete }),
      ...(p.hint && { 'aria-describedby': `${p.id}-hint` }),
      onInput: (e: Event) => p.onInput((e.target as HTMLInputElement).value),
    }),
    p.hint && h('p', { id: `${p.id}-hint`, class: 'hint' }, p.hint),
  );
}

/** The frame of every signed-out screen: a card with a title, a language switch and a form. */
function Card(props: {
  model: AppModel;
  title: string;
  intro?: string;
  children?: ComponentChild;
}): ComponentChild {
  return h(
    'main',
    { class: 'auth' },
    h(
      'div',
      { class: 'auth-card' },
      h(
        'div',
        { class: 'auth-top' },
        h('span', { class: 'brand' }, 'Parley'),
        h(LanguageSwitch, { model: props.model }),
      ),
      h('h1', null, props.title),
      props.intro && h('p', { class: 'intro' }, props.intro),
      props.children,
    ),
  );
}

/** Form state shared by the screens: busy while submitting, an error or a confirmation. */
function useSubmit(t: Strings) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = async (
    action: () => Promise<void>,
    messageFor: (err: unknown) => string | null = () => null,
  ) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(messageFor(err) ?? describe(err, t));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, setDone, run };
}

export function describe(err: unknown, t: Strings): string {
  if (isParleyError(err)) {
    if (err.code === 'network_error' || err.code === 'timeout') return t.networkError;
    if (err.status === 429) return t.tooManyAttempts(err.retryAfter ?? 60);
  }
  return t.genericError;
}

export function Alert(props: { text: string | null; kind?: 'error' | 'ok' }): ComponentChild {
  return h(
    'p',
    {
      class: `alert ${props.kind ?? 'error'}`,
      role: props.kind === 'ok' ? 'status' : 'alert',
      hidden: !props.text,
    },
    props.text ?? '',
  );
}

export function SignInScreen({ model }: { model: AppModel }): ComponentChild {
  const t = model.t;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useSubmit(t);
  useEffect(() => {
    // A server nobody has set up yet starts with the first-run screen.
    auth
      .setupStatus()
      .then((s) => s.needed && navigate({ name: 'setup' }, true))
      .catch(() => undefined);
  }, []);
  return h(
    Card,
    { model, title: t.signInTitle },
    h(
      'form',
      {
        onSubmit: (e: Event) => {
          e.preventDefault();
          void form.run(
            async () => model.signedInWith(await auth.signIn(email.trim(), password)),
            (err) =>
              isParleyError(err) && (err.status === 401 || err.status === 400) ? t.signInFailed : null,
          );
        },
      },
      model.notice && h(Alert, { text: model.notice, kind: 'ok' }),
      h(Field, {
        id: 'email',
        label: t.email,
        type: 'email',
        value: email,
        onInput: setEmail,
        autocomplete: 'username',
      }),
      h(Field, {
        id: 'password',
        label: t.password,
        type: 'password',
        value: password,
        onInput: setPassword,
        autocomplete: 'current-password',
      }),
      h(Alert, { text: form.error }),
      h(
        'button',
        { type: 'submit', class: 'primary', disabled: form.busy },
        form.busy ? t.signingIn : t.signIn,
      ),
      h('p', { class: 'links' }, h('a', { href: '#/reset' }, t.forgotPassword)),
    ),
  );
}

export function SetupScreen({ model }: { model: AppModel }): ComponentChild {
  const t = model.t;
  const [values, setValues] = useState({ organizationName: '', displayName: '', email: '', password: '' });
  const set = (key: keyof typeof values) => (value: string) => setValues({ ...values, [key]: value });
  // Organizations already on the server (the demo shop, or made through the API): the admin may join one.
  const [existing, setExisting] = useState<SetupStatus['organizations']>([]);
  const [joinId, setJoinId] = useState<string | null>(null);
  const form = useSubmit(t);
  useEffect(() => {
    auth
      .setupStatus()
      .then((s) => {
        if (!s.needed) {
          model.notice = t.setupDone;
          navigate({ name: 'sign-in' }, true);
          return;
        }
        setExisting(s.organizations);
        setJoinId(s.organizations[0]?.id ?? null);
      })
      .catch(() => undefined);
  }, []);
  return h(
    Card,
    { model, title: t.setupTitle, intro: t.setupIntro },
    h(
      'form',
      {
        onSubmit: (e: Event) => {
          e.preventDefault();
          void form.run(
            async () =>
              model.signedInWith(
                await auth.setup({
                  ...(joinId === null
                    ? { organizationName: values.organizationName.trim() }
                    : { organizationId: joinId }),
                  displayName: values.displayName.trim(),
                  email: values.email.trim(),
                  password: values.password,
                }),
              ),
            (err) => {
              if (isParleyError(err) && err.status === 409) {
                model.notice = t.setupDone;
                navigate({ name: 'sign-in' }, true);
                return t.setupDone;
              }
              return isParleyError(err) && err.status === 400 ? err.message : null;
            },
          );
        },
      },
      existing.length > 0 &&
        h(
          'fieldset',
          { class: 'choices' },
          h('legend', null, t.setupOrganization),
          existing.map((o) =>
            h(
              'label',
              { key: o.id, class: 'choice' },
              h('input', {
                type: 'radio',
                name: 'organization',
                value: o.id,
                checked: joinId === o.id,
                onChange: () => setJoinId(o.id),
              }),
              t.setupJoin(o.name),
            ),
          ),
          h(
            'label',
            { class: 'choice' },
            h('input', {
              type: 'radio',
              name: 'organization',
              value: 'new',
              checked: joinId === null,
              onChange: () => setJoinId(null),
            }),
            t.setupCreate,
          ),
        ),
      joinId === null &&
        h(Field, {
          id: 'organizationName',
          label: t.organizationName,
          value: values.organizationName,
          onInput: set('organizationName'),
          autocomplete: 'organization',
        }),
      h(Field, {
        id: 'displayName',
        label: t.displayName,
        value: values.displayName,
        onInput: set('displayName'),
        autocomplete: 'name',
      }),
      h(Field, {
        id: 'email',
        label: t.email,
        type: 'email',
        value: values.email,
        onInput: set('email'),
        autocomplete: 'username',
      }),
      h(Field, {
        id: 'password',
        label: t.password,
        type: 'password',
        value: values.password,
        onInput: set('password'),
        autocomplete: 'new-password',
        hint: t.passwordHint,
        minLength: ACCOUNT_LIMITS.passwordMinLength,
      }),
      h(Alert, { text: form.error }),
      h('button', { type: 'submit', class: 'primary', disabled: form.busy }, t.setupSubmit),
    ),
  );
}

/** `#/reset`: asks for the link; `#/reset?token=rt_…` (the link itself): sets the new password. */
export function ResetScreen({ model, token }: { model: AppModel; token: string | null }): ComponentChild {
  const t = model.t;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useSubmit(t);
  const back = h('p', { class: 'links' }, h('a', { href: '#/sign-in' }, t.backToSignIn));
  if (!token) {
    return h(
      Card,
      { model, title: t.resetTitle, intro: t.resetIntro },
      h(
        'form',
        {
          onSubmit: (e: Event) => {
            e.preventDefault();
            void form.run(
              async () => {
                await auth.requestReset(email.trim());
                form.setDone(t.resetSent);
              },
              (err) => (isParleyError(err) && err.code === 'mail_not_configured' ? t.resetNoMail : null),
            );
          },
        },
        h(Field, {
          id: 'email',
          label: t.email,
          type: 'email',
          value: email,
          onInput: setEmail,
          autocomplete: 'username',
        }),
        h(Alert, { text: form.error }),
        h(Alert, { text: form.done, kind: 'ok' }),
        h(
          'button',
          { type: 'submit', class: 'primary', disabled: form.busy || form.done !== null },
          t.resetSubmit,
        ),
        back,
      ),
    );
  }
  return h(
    Card,
    { model, title: t.resetConfirmTitle },
    h(
      'form',
      {
        onSubmit: (e: Event) => {
          e.preventDefault();
          void form.run(
            async () => {
              await auth.confirmReset(token, password);
              model.notice = t.resetConfirmDone;
              navigate({ name: 'sign-in' }, true);
            },
            (err) => (isParleyError(err) && err.status >= 400 && err.status < 429 ? t.linkInvalid : null),
          );
        },
      },
      h(Field, {
        id: 'password',
        label: t.newPassword,
        type: 'password',
        value: password,
        onInput: setPassword,
        autocomplete: 'new-password',
        hint: t.passwordHint,
        minLength: ACCOUNT_LIMITS.passwordMinLength,
      }),
      h(Alert, { text: form.error }),
      h('button', { type: 'submit', class: 'primary', disabled: form.busy }, t.resetConfirmSubmit),
      back,
    ),
  );
}

export function InviteScreen({ model, token }: { model: AppModel; token: string | null }): ComponentChild {
  const t = model.t;
  const [password, setPassword] = useState('');
  const form = useSubmit(t);
  return h(
    Card,
    { model, title: t.inviteTitle, intro: token ? t.inviteIntro : t.linkInvalid },
    token &&
      h(
        'form',
        {
          onSubmit: (e: Event) => {
            e.preventDefault();
            void form.run(
              async () => model.signedInWith((await auth.acceptInvitation(token, password)) as Session),
              (err) =>
                isParleyError(err) && err.status >= 400 && err.status < 429 && err.status !== 400
                  ? t.linkInvalid
                  : null,
            );
          },
        },
        h(Field, {
          id: 'password',
          label: t.password,
          type: 'password',
          value: password,
          onInput: setPassword,
          autocomplete: 'new-password',
          hint: t.passwordHint,
          minLength: ACCOUNT_LIMITS.passwordMinLength,
        }),
        h(Alert, { text: form.error }),
        h('button', { type: 'submit', class: 'primary', disabled: form.busy }, t.inviteSubmit),
      ),
    h('p', { class: 'links' }, h('a', { href: '#/sign-in' }, t.backToSignIn)),
  );
}
