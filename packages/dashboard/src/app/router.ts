/// <reference lib="dom" />

/** The screens, from the URL's hash: `#/inbox/cnv_…`, `#/reset?token=rt_…`. */
export type Route =
  | { name: 'setup' }
  | { name: 'sign-in' }
  | { name: 'reset'; token: string | null }
  | { name: 'invite'; token: string | null }
  | { name: 'inbox'; conversationId: string | null }
  | { name: 'admin'; section: AdminSection }
  | { name: 'reports' }
  | { name: 'account' };

/** The administration's sections, in the order of its menu: `#/admin/widget`. */
export const ADMIN_SECTIONS = [
  'organization',
  'agents',
  'departments',
  'hours',
  'widget',
  'canned',
  'api-keys',
  'audit',
] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = path.split('/').filter(Boolean);
  const token = new URLSearchParams(search).get('token');
  switch (parts[0]) {
    case 'setup':
      return { name: 'setup' };
    case 'sign-in':
      return { name: 'sign-in' };
    case 'reset':
      return { name: 'reset', token };
    case 'invite':
      return { name: 'invite', token };
    case 'inbox':
      return { name: 'inbox', conversationId: parts[1] ? decodeURIComponent(parts[1]) : null };
    case 'admin': {
      const section = ADMIN_SECTIONS.find((x) => x === parts[1]) ?? 'organization';
      return { name: 'admin', section };
    }
    case 'reports':
      return { name: 'reports' };
    case 'account':
      return { name: 'account' };
    default:
      return { name: 'inbox', conversationId: null };
  }
}

export function href(route: Route): string {
  switch (route.name) {
    case 'inbox':
      return route.conversationId ? `#/inbox/${encodeURIComponent(route.conversationId)}` : '#/inbox';
    case 'admin':
      return `#/admin/${route.section}`;
    case 'reset':
    case 'invite':
      return route.token ? `#/${route.name}?token=${encodeURIComponent(route.token)}` : `#/${route.name}`;
    default:
      return `#/${route.name}`;
  }
}

export function navigate(route: Route, replace = false): void {
  const target = href(route);
  if (location.hash === target) return;
  if (replace) history.replaceState(null, '', target);
  else location.hash = target;
  // replaceState fires no hashchange: tell the app ourselves.
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}
