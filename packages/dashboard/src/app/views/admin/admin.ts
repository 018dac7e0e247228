/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AppModel, SignedIn } from '../../app-model.js';
import { ADMIN_SECTIONS, href, type AdminSection } from '../../router.js';
import { Header, HelpOverlay, ReconnectingBanner } from '../header.js';
import { ApiKeysSection } from './api-keys.js';
import { AuditSection } from './audit.js';
import { CannedSection } from './canned.js';
import {
  AdminApi,
  adminStrings,
  inputValue,
  isOrganizationAdmin,
  isTenantAdmin,
  Loaded,
  Message,
  Section,
  useAction,
  useInboxKeysOff,
  useLoad,
} from './common.js';
import { HoursSection } from './hours.js';
import { AgentsSection, DepartmentsSection } from './people.js';
import { WidgetSection } from './widget.js';

/** `#/admin/<section>`: the organization's settings, for its admins. */
export function AdminScreen({
  model,
  s,
  section,
}: {
  model: AppModel;
  s: SignedIn;
  section: AdminSection;
}): ComponentChild {
  const t = adminStrings(model);
  const api = useMemo(() => new AdminApi(s), [s]);
  useInboxKeysOff();
  const allowed = isOrganizationAdmin(s.account);
  // API keys are the tenant's: organization admins do not see them.
  const sections = ADMIN_SECTIONS.filter((x) => x !== 'api-keys' || isTenantAdmin(s.account));
  const current = sections.includes(section) ? section : 'organization';
  const props = { model, s, api, t };
  // On a phone the menu scrolls sideways: keep the current section in sight.
  useEffect(() => {
    document
      .querySelector('.admin-nav [aria-current=page]')
      ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [current]);
  return h(
    'div',
    { class: 'shell' },
    h(Header, { model, s }),
    h(ReconnectingBanner, { model, s }),
    !allowed
      ? h('main', { class: 'admin-main' }, h('p', { class: 'alert error', role: 'alert' }, t.notAllowed))
      : h(
          'div',
          { class: 'admin' },
          h(
            'nav',
            { class: 'admin-nav', 'aria-label': t.adminTitle },
            h(
              'ul',
              null,
              sections.map((x) =>
                h(
                  'li',
                  { key: x },
                  h(
                    'a',
                    {
                      href: href({ name: 'admin', section: x }),
                      'aria-current': x === current ? 'page' : undefined,
                      'data-section': x,
                    },
                    t.sections[x],
                  ),
                ),
              ),
            ),
          ),
          h(
            'main',
            { class: 'admin-main', key: current },
            h('h1', { class: 'admin-title' }, t.sections[current]),
            current === 'organization' && h(OrganizationSection, props),
            current === 'agents' && h(AgentsSection, props),
            current === 'departments' && h(DepartmentsSection, props),
            current === 'hours' && h(HoursSection, props),
            current === 'widget' && h(WidgetSection, props),
            current === 'canned' && h(CannedSection, props),
            current === 'api-keys' && h(ApiKeysSection, props),
            current === 'audit' && h(AuditSection, props),
          ),
        ),
    model.helpOpen && h(HelpOverlay, { model }),
  );
}

export interface SectionProps {
  model: AppModel;
  s: SignedIn;
  api: AdminApi;
  t: ReturnType<typeof adminStrings>;
}

function OrganizationSection({ api, t }: SectionProps): ComponentChild {
  const state = useLoad(() => api.organization());
  const [name, setName] = useState<string | null>(null);
  const action = useAction(t);
  return h(
    Section,
    { title: t.organizationName, id: 'org-title' },
    h(Loaded<Awaited<ReturnType<typeof api.organization>>>, {
      t,
      state,
      children: (org) =>
        h(
          'form',
          {
            class: 'admin-form',
            onSubmit: (e: Event) => {
              e.preventDefault();
              void action.run(
                async () => state.setData(await api.renameOrganization((name ?? org.name).trim())),
                t.saved,
              );
            },
          },
          h(
            'div',
            { class: 'field' },
            h('label', { for: 'org-name' }, t.organizationName),
            h('input', {
              id: 'org-name',
              required: true,
              maxLength: 200,
              value: name ?? org.name,
              onInput: (e: Event) => setName(inputValue(e)),
            }),
          ),
          h('p', { class: 'hint' }, `${t.organizationId}: `, h('code', null, org.id)),
          h(
            'button',
            { type: 'submit', class: 'primary', disabled: action.busy },
            action.busy ? t.saving : t.save,
          ),
          h(Message, { message: action.message }),
        ),
    }),
  );
}
