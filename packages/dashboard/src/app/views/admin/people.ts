/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { Agent, AgentAccount, Department } from '@parley/protocol';
import type { SectionProps } from './admin.js';
import { inputValue, Loaded, Message, scrollRegion, Section, useAction, useLoad } from './common.js';

const ROLES = ['agent', 'supervisor', 'admin'] as const;

export function AgentsSection(props: SectionProps): ComponentChild {
  const { api, t, s } = props;
  const agents = useLoad(() => api.agents());
  // The account side (email, disabled, invitation pending) comes from its own admin route.
  const accounts = useLoad(() => api.agentAccounts());
  const departments = useLoad(() => api.departments());
  const action = useAction(t);
  const depName = (id: string) => departments.data?.find((d) => d.id === id)?.name ?? id;
  const replace = (agent: Agent) =>
    agents.setData((list) => (list ?? []).map((a) => (a.userId === agent.userId ? agent : a)));
  const reload = () => {
    agents.reload();
    accounts.reload();
  };

  return h(
    'div',
    null,
    h(
      Section,
      { title: t.sections.agents!, id: 'agents-title' },
      h(Message, { message: action.message }),
      h(Loaded<Agent[]>, {
        t,
        state: agents,
        children: (list) =>
          h(
            'div',
            scrollRegion(t.sections.agents!),
            h(
              'table',
              { class: 'admin-table agents-table' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  h('th', { scope: 'col' }, t.agentName),
                  h('th', { scope: 'col' }, t.agentEmail),
                  h('th', { scope: 'col' }, t.agentRole),
                  h('th', { scope: 'col' }, t.agentCapacity),
                  h('th', { scope: 'col' }, t.agentStatus),
                  h('th', { scope: 'col' }, t.agentDepartments),
                  h('th', { scope: 'col' }, t.agentAccess),
                ),
              ),
              h(
                'tbody',
                null,
                list.map((agent) => {
                  const me = agent.userId === s.account.userId;
                  const account = accounts.data?.find((a) => a.userId === agent.userId);
                  return h(
                    'tr',
                    { key: agent.userId, 'data-user': agent.userId },
                    h('th', { scope: 'row' }, agent.displayName, me ? ` ${t.you}` : ''),
                    h('td', { class: 'agent-email' }, account?.email ?? '—'),
                    h(
                      'td',
                      null,
                      h(
                        'select',
                        {
                          'aria-label': `${t.agentRole}: ${agent.displayName}`,
                          value: agent.role,
                          disabled: action.busy,
                          onChange: (e: Event) =>
                            void action.run(async () =>
                              replace(await api.updateAgent(agent.userId, { role: inputValue(e) })),
                            ),
                        },
                        ROLES.map((r) => h('option', { key: r, value: r }, t.roles[r])),
                      ),
                    ),
                    h(
                      'td',
                      null,
                      h('input', {
                        type: 'number',
                        class: 'narrow',
                        min: 0,
                        max: 100,
                        'aria-label': `${t.agentCapacity}: ${agent.displayName}`,
                        title: t.capacityHint,
                        value: agent.maxChats,
                        onChange: (e: Event) => {
                          const value = Number(inputValue(e));
                          if (Number.isInteger(value) && value >= 0 && value <= 100)
                            void action.run(async () =>
                              replace(await api.updateAgent(agent.userId, { maxChats: value })),
                            );
                        },
                      }),
                    ),
                    h(
                      'td',
                      null,
                      h('span', { class: `status-dot ${agent.status}`, 'aria-hidden': 'true' }),
                      t.statuses[agent.status] ?? agent.status,
                    ),
                    h('td', null, agent.departmentIds.map(depName).join(', ') || '—'),
                    h(
                      'td',
                      { class: 'agent-access' },
                      h(AccessCell, {
                        ...props,
                        agent,
                        account,
                        loaded: accounts.data !== null,
                        me,
                        busy: action.busy,
                        setDisabled: (disabled: boolean) =>
                          void action
                            .run(() => api.setDisabled(agent.userId, disabled))
                            .then((ok) => ok && reload()),
                      }),
                    ),
                  );
                }),
              ),
            ),
          ),
      }),
      accounts.error !== null && h(Message, { message: { ok: false, text: t.accountsFailed } }),
    ),
    h(InviteForm, { ...props, onInvited: reload }),
  );
}

/** Disabled or active, a pending invitation, and the button that flips the first. */
function AccessCell(
  props: SectionProps & {
    agent: Agent;
    account: AgentAccount | undefined;
    loaded: boolean;
    me: boolean;
    busy: boolean;
    setDisabled: (disabled: boolean) => void;
  },
): ComponentChild {
  const { t, agent, account, loaded, me, busy } = props;
  if (!account) return loaded ? h('span', { class: 'muted' }, t.noAccount) : '…';
  const { disabled } = account;
  return [
    h(
      'span',
      { class: disabled ? 'pill resolved' : 'pill open', 'data-testid': 'access' },
      disabled ? t.disabled : t.enabled,
    ),
    account.invitationPending && [
      ' ',
      h('span', { class: 'pill pending', 'data-testid': 'invitation' }, t.invitationPending),
    ],
    ' ',
    !me &&
      h(
        'button',
        {
          type: 'button',
          class: disabled ? '' : 'danger',
          disabled: busy,
          'aria-label': `${disabled ? t.enable : t.disable}: ${agent.displayName}`,
          onClick: () => {
            if (!disabled && !confirm(t.confirmDisable(agent.displayName))) return;
            props.setDisabled(!disabled);
          },
        },
        disabled ? t.enable : t.disable,
      ),
  ];
}

function InviteForm({ api, t, onInvited }: SectionProps & { onInvited: () => void }): ComponentChild {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('agent');
  const [maxChats, setMaxChats] = useState(5);
  const action = useAction(t);
  return h(
    Section,
    { title: t.inviteTitle, id: 'invite-title' },
    h(
      'form',
      {
        class: 'admin-form inline-form',
        onSubmit: (e: Event) => {
          e.preventDefault();
          const sentTo = email.trim();
          void action
            .run(
              () => api.invite({ email: sentTo, displayName: name.trim(), role, maxChats }),
              t.invited(sentTo),
            )
            .then((ok) => {
              if (!ok) return;
              setEmail('');
              setName('');
              onInvited();
            });
        },
      },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'invite-email' }, t.inviteEmail),
        h('input', {
          id: 'invite-email',
          type: 'email',
          required: true,
          autoComplete: 'off',
          value: email,
          onInput: (e: Event) => setEmail(inputValue(e)),
        }),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'invite-name' }, t.inviteName),
        h('input', {
          id: 'invite-name',
          required: true,
          maxLength: 100,
          value: name,
          onInput: (e: Event) => setName(inputValue(e)),
        }),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'invite-role' }, t.agentRole),
        h(
          'select',
          { id: 'invite-role', value: role, onChange: (e: Event) => setRole(inputValue(e)) },
          ROLES.map((r) => h('option', { key: r, value: r }, t.roles[r])),
        ),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'invite-capacity' }, t.agentCapacity),
        h('input', {
          id: 'invite-capacity',
          type: 'number',
          class: 'narrow',
          min: 0,
          max: 100,
          required: true,
          value: maxChats,
          onInput: (e: Event) => setMaxChats(Number(inputValue(e))),
        }),
      ),
      h('button', { type: 'submit', class: 'primary', disabled: action.busy }, t.inviteSubmit),
    ),
    h(Message, { message: action.message }),
  );
}

export function DepartmentsSection({ api, t }: SectionProps): ComponentChild {
  const departments = useLoad(() => api.departments());
  const agents = useLoad(() => api.agents());
  const [name, setName] = useState('');
  const action = useAction(t);
  const refresh = () => {
    departments.reload();
    agents.reload();
  };
  return h(
    'div',
    null,
    h(
      Section,
      { title: t.newDepartment, id: 'new-dep-title' },
      h(
        'form',
        {
          class: 'admin-form inline-form',
          onSubmit: (e: Event) => {
            e.preventDefault();
            void action
              .run(() => api.createDepartment(name.trim()))
              .then((ok) => {
                if (!ok) return;
                setName('');
                refresh();
              });
          },
        },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'dep-name' }, t.departmentName),
          h('input', {
            id: 'dep-name',
            required: true,
            maxLength: 200,
            value: name,
            onInput: (e: Event) => setName(inputValue(e)),
          }),
        ),
        h('button', { type: 'submit', class: 'primary', disabled: action.busy }, t.create),
      ),
      h(Message, { message: action.message }),
    ),
    h(Loaded<Department[]>, {
      t,
      state: departments,
      children: (list) =>
        list.length === 0
          ? h('p', { class: 'muted' }, t.none)
          : list.map((dep) => {
              const members = (agents.data ?? []).filter((a) => a.departmentIds.includes(dep.id));
              const others = (agents.data ?? []).filter((a) => !a.departmentIds.includes(dep.id));
              return h(
                'section',
                { class: 'admin-card department', key: dep.id, 'aria-label': dep.name },
                h(
                  'div',
                  { class: 'card-head' },
                  h('h2', null, dep.name),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger',
                      'aria-label': `${t.delete}: ${dep.name}`,
                      disabled: action.busy,
                      onClick: () =>
                        confirm(t.confirmDelete(dep.name)) &&
                        void action.run(() => api.deleteDepartment(dep.id)).then((ok) => ok && refresh()),
                    },
                    t.delete,
                  ),
                ),
                h('h3', { class: 'small-title' }, t.members),
                members.length === 0
                  ? h('p', { class: 'muted' }, t.noMembers)
                  : h(
                      'ul',
                      { class: 'chips' },
                      members.map((m) =>
                        h(
                          'li',
                          { key: m.userId, class: 'chip' },
                          m.displayName,
                          h(
                            'button',
                            {
                              type: 'button',
                              class: 'link',
                              'aria-label': t.removeMember(m.displayName, dep.name),
                              title: t.removeMember(m.displayName, dep.name),
                              onClick: () =>
                                void action
                                  .run(() => api.removeMember(dep.id, m.userId))
                                  .then((ok) => ok && refresh()),
                            },
                            '×',
                          ),
                        ),
                      ),
                    ),
                others.length > 0 &&
                  h(
                    'select',
                    {
                      'aria-label': `${t.addMember}: ${dep.name}`,
                      value: '',
                      onChange: (e: Event) => {
                        const userId = inputValue(e);
                        if (userId)
                          void action.run(() => api.addMember(dep.id, userId)).then((ok) => ok && refresh());
                      },
                    },
                    h('option', { value: '' }, t.addMember),
                    others.map((a) => h('option', { key: a.userId, value: a.userId }, a.displayName)),
                  ),
              );
            }),
    }),
  );
}
