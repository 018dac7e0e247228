/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { AuditEntry } from '@parley/protocol';
import type { SectionProps } from './admin.js';
import { errorText, formatDateTime, isTenantAdmin, Loaded, scrollRegion, useLoad } from './common.js';

interface Page {
  items: AuditEntry[];
  nextCursor: string | null;
}

/** The organization's administrative changes, newest first, a page at a time. */
export function AuditSection({ api, t, model, s }: SectionProps): ComponentChild {
  // Tenant admins read the whole log (API keys and users are no organization's).
  const whole = isTenantAdmin(s.account);
  const state = useLoad(async (): Promise<Page> => api.auditLog(null, whole));
  const agents = useLoad(() => api.agents().catch(() => []));
  const [more, setMore] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const who = (e: AuditEntry) =>
    e.actorKind === 'api_key'
      ? t.apiKeyActor(e.actorId)
      : (agents.data?.find((a) => a.userId === e.actorId)?.displayName ?? e.actorId);
  const loadMore = async (page: Page) => {
    setMore({ busy: true, error: null });
    try {
      const next = await api.auditLog(page.nextCursor, whole);
      state.setData({ items: [...page.items, ...next.items], nextCursor: next.nextCursor });
      setMore({ busy: false, error: null });
    } catch (err) {
      setMore({ busy: false, error: errorText(t, err) });
    }
  };
  return h(Loaded<Page>, {
    t,
    state,
    children: (page) =>
      h(
        'div',
        { class: 'admin-card' },
        page.items.length === 0
          ? h('p', { class: 'muted' }, t.none)
          : h(
              'div',
              scrollRegion(t.sections.audit!),
              h(
                'table',
                { class: 'admin-table audit-table' },
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    h('th', { scope: 'col' }, t.auditWhen),
                    h('th', { scope: 'col' }, t.auditWho),
                    h('th', { scope: 'col' }, t.auditAction),
                    h('th', { scope: 'col' }, t.auditPath),
                    h('th', { scope: 'col' }, t.auditStatus),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  page.items.map((e) =>
                    h(
                      'tr',
                      { key: e.id },
                      h('td', { class: 'nowrap' }, formatDateTime(e.at, model.language)),
                      h('td', null, who(e)),
                      h('td', null, h('code', null, e.action)),
                      h('td', { class: 'path' }, h('code', null, e.path)),
                      h('td', null, String(e.status)),
                    ),
                  ),
                ),
              ),
            ),
        more.error && h('p', { class: 'alert error', role: 'alert' }, more.error),
        page.nextCursor &&
          h(
            'button',
            { type: 'button', class: 'more', disabled: more.busy, onClick: () => void loadMore(page) },
            more.busy ? t.loading : t.loadMore,
          ),
      ),
  });
}
