/// <reference lib="dom" />
import { h, type ComponentChild, type ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type {
  Account,
  Agent,
  AgentAccount,
  ApiKey,
  AuditEntry,
  BusinessHours,
  BusinessHoursSchedule,
  CannedResponse,
  CreatedApiKey,
  Department,
  DepartmentWidget,
  Invitation,
  Organization,
  Report,
  WidgetSettings,
  WidgetSettingsOverride,
} from '@parley/protocol';
import { ParleyError } from '@parley/sdk';
import type { AppModel, SignedIn } from '../../app-model.js';
import { ADMIN_LANGUAGES, type AdminStrings } from '../../i18n-admin.js';

/** A tenant admin (user role `admin`): the whole tenant, API keys included. */
export function isTenantAdmin(account: Account): boolean {
  return account.role === 'admin';
}

/** Manages the organization: a tenant admin, or an agent whose agent role is `admin`. */
export function isOrganizationAdmin(account: Account): boolean {
  return account.role === 'admin' || account.agent?.role === 'admin';
}

/** Reads the reports: admins and supervisors (the server lets any agent of the organization). */
export function canSeeReports(account: Account): boolean {
  return isOrganizationAdmin(account) || account.agent?.role === 'supervisor';
}

export function adminStrings(model: AppModel): AdminStrings {
  return ADMIN_LANGUAGES[model.language];
}

export interface WidgetSettingsResponse {
  organizationId: string;
  widgetKey: string;
  settings: WidgetSettings;
  updatedAt: string | null;
}

export interface ReportFilters {
  from: string;
  to: string;
  timeZone: string;
  departmentId?: string | undefined;
  agentId?: string | undefined;
}

/** The administration's REST calls, through the signed-in agent's SDK client. */
export class AdminApi {
  constructor(private readonly s: SignedIn) {}

  get organizationId(): string {
    return this.s.account.organizationId ?? '';
  }

  private get org(): string {
    return `/v1/organizations/${encodeURIComponent(this.organizationId)}`;
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | undefined | null>,
  ): Promise<T> {
    return (await this.s.api.http.request<T>(method, path, { body, query })).body;
  }

  organization = () => this.call<Organization>('GET', this.org);
  renameOrganization = (name: string) => this.call<Organization>('PATCH', this.org, { name });

  agents = () => this.s.api.agents();
  updateAgent = (userId: string, body: { role?: string; maxChats?: number }) =>
    this.call<Agent>('PATCH', `${this.org}/agents/${encodeURIComponent(userId)}`, body);
  /** The agents' dashboard accounts: email, disabled, invitation pending. */
  agentAccounts = async () =>
    (await this.call<{ items: AgentAccount[] }>('GET', `${this.org}/agent-accounts`)).items;
  setDisabled = (userId: string, disabled: boolean) =>
    this.call<Account>('PUT', `${this.org}/agents/${encodeURIComponent(userId)}/disabled`, { disabled });
  invite = (body: { email: string; displayName: string; role: string; maxChats: number }) =>
    this.call<Invitation>('POST', `${this.org}/invitations`, body);

  departments = () => this.s.api.departments();
  createDepartment = (name: string) => this.call<Department>('POST', `${this.org}/departments`, { name });
  deleteDepartment = (id: string) =>
    this.call<void>('DELETE', `${this.org}/departments/${encodeURIComponent(id)}`);
  addMember = (departmentId: string, userId: string) =>
    this.call<unknown>('POST', `${this.org}/departments/${encodeURIComponent(departmentId)}/agents`, {
      userId,
    });
  removeMember = (departmentId: string, userId: string) =>
    this.call<void>(
      'DELETE',
      `${this.org}/departments/${encodeURIComponent(departmentId)}/agents/${encodeURIComponent(userId)}`,
    );

  async businessHours(): Promise<BusinessHours[]> {
    const body = await this.call<{ items: BusinessHours[] } | BusinessHours[]>(
      'GET',
      `${this.org}/business-hours`,
    );
    return Array.isArray(body) ? body : body.items;
  }
  createBusinessHours = (name: string, schedule: BusinessHoursSchedule) =>
    this.call<BusinessHours>('POST', `${this.org}/business-hours`, { name, schedule });
  deleteBusinessHours = (id: string) =>
    this.call<void>('DELETE', `${this.org}/business-hours/${encodeURIComponent(id)}`);
  updateBusinessHours = (id: string, body: { name?: string; schedule?: BusinessHoursSchedule }) =>
    this.call<BusinessHours>('PATCH', `${this.org}/business-hours/${encodeURIComponent(id)}`, body);
  private depHours = (departmentId: string) =>
    `${this.org}/departments/${encodeURIComponent(departmentId)}/business-hours`;
  /** The business hours attached to a department (none: it follows all of the organization's). */
  attachedHours = async (departmentId: string) =>
    (await this.call<{ items: BusinessHours[] }>('GET', this.depHours(departmentId))).items;
  attachHours = async (departmentId: string, businessHoursId: string) =>
    (await this.call<{ items: BusinessHours[] }>('POST', this.depHours(departmentId), { businessHoursId }))
      .items;
  detachHours = (departmentId: string, businessHoursId: string) =>
    this.call<void>('DELETE', `${this.depHours(departmentId)}/${encodeURIComponent(businessHoursId)}`);

  widgetSettings = () => this.call<WidgetSettingsResponse>('GET', `${this.org}/widget-settings`);
  saveWidgetSettings = (settings: WidgetSettings) =>
    this.call<WidgetSettingsResponse>('PUT', `${this.org}/widget-settings`, settings);
  /** A new public key: the old one stops working at once. */
  rotateWidgetKey = () => this.call<WidgetSettingsResponse>('POST', `${this.org}/widget-key/rotate`);
  private depWidget = (departmentId: string) =>
    `${this.org}/departments/${encodeURIComponent(departmentId)}/widget-settings`;
  departmentWidget = (departmentId: string) =>
    this.call<DepartmentWidget>('GET', this.depWidget(departmentId));
  saveDepartmentWidget = (departmentId: string, override: WidgetSettingsOverride) =>
    this.call<DepartmentWidget>('PUT', this.depWidget(departmentId), override);
  dropDepartmentWidget = (departmentId: string) => this.call<void>('DELETE', this.depWidget(departmentId));

  async canned(): Promise<CannedResponse[]> {
    const body = await this.call<{ items: CannedResponse[] } | CannedResponse[]>(
      'GET',
      `${this.org}/canned-responses`,
    );
    return Array.isArray(body) ? body : body.items;
  }
  createCanned = (shortcut: string, content: string) =>
    this.call<CannedResponse>('POST', `${this.org}/canned-responses`, { shortcut, content });
  updateCanned = (id: string, body: { shortcut?: string; content?: string }) =>
    this.call<CannedResponse>('PATCH', `${this.org}/canned-responses/${encodeURIComponent(id)}`, body);
  deleteCanned = (id: string) =>
    this.call<void>('DELETE', `${this.org}/canned-responses/${encodeURIComponent(id)}`);

  async apiKeys(): Promise<ApiKey[]> {
    return (await this.call<{ items: ApiKey[] }>('GET', '/v1/api-keys')).items;
  }
  createApiKey = (name: string) => this.call<CreatedApiKey>('POST', '/v1/api-keys', { name });
  revokeApiKey = (id: string) => this.call<void>('DELETE', `/v1/api-keys/${encodeURIComponent(id)}`);

  /** The organization's entries; `whole`: the tenant's (tenant admins only: API keys, users too). */
  auditLog = (cursor: string | null, whole = false) =>
    this.call<{ items: AuditEntry[]; nextCursor: string | null }>('GET', '/v1/audit-log', undefined, {
      organizationId: whole ? undefined : this.organizationId,
      limit: 50,
      cursor,
    });

  report = (filters: ReportFilters) =>
    this.call<Report>('GET', `${this.org}/reports`, undefined, { ...filters });

  /** The CSV, fetched with the session's token (a plain link would carry none). */
  async reportCsv(filters: ReportFilters): Promise<Blob> {
    const url = new URL(`${location.origin}${this.org}/reports/conversations.csv`);
    for (const [key, value] of Object.entries(filters)) if (value) url.searchParams.set(key, value);
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${await this.s.api.credential.getToken()}` },
    });
    if (!response.ok)
      throw new ParleyError('internal_error', `HTTP ${response.status}`, { status: response.status });
    return response.blob();
  }
}

/** A server error in the agent's words (the server names the field at fault). */
export function errorText(t: AdminStrings, err: unknown): string {
  if (err instanceof ParleyError) {
    if (err.code === 'email_taken') return t.emailTaken;
    if (err.code === 'mail_not_configured') return t.mailNotConfigured;
    return t.failed(err.field ? t.fieldError(err.field, err.message) : err.message);
  }
  return t.failed(err instanceof Error ? err.message : String(err));
}

/** Loads once (and again on `reload`); the view shows loading, error or the data. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (value) => live && setData(value),
      (err: unknown) => live && setError(err ?? new Error('failed')),
    );
    return () => {
      live = false;
    };
  }, [version, ...deps]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, setData, error, reload };
}

/** Runs an action, keeping its busy state and its result's message. */
export function useAction(t: AdminStrings) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const run = async (action: () => Promise<unknown>, done?: string): Promise<boolean> => {
    setBusy(true);
    setMessage(null);
    try {
      await action();
      if (done) setMessage({ ok: true, text: done });
      return true;
    } catch (err) {
      setMessage({ ok: false, text: errorText(t, err) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, setMessage, run };
}

export function Message({ message }: { message: { ok: boolean; text: string } | null }): ComponentChild {
  if (!message) return null;
  return h(
    'p',
    { class: `alert ${message.ok ? 'ok' : 'error'}`, role: message.ok ? 'status' : 'alert' },
    message.text,
  );
}

/** Loading, error (with a retry) or the content. */
export function Loaded<T>({
  t,
  state,
  children,
}: {
  t: AdminStrings;
  state: { data: T | null; error: unknown; reload: () => void };
  children: (data: T) => ComponentChildren;
}): ComponentChild {
  if (state.error)
    return h(
      'div',
      { class: 'alert error', role: 'alert' },
      errorText(t, state.error),
      ' ',
      h('button', { type: 'button', class: 'link', onClick: state.reload }, t.retry),
    );
  if (state.data === null) return h('p', { class: 'muted', role: 'status' }, t.loading);
  return h('div', null, children(state.data));
}

export function Section({
  title,
  children,
  id,
}: {
  title: string;
  id?: string;
  children?: ComponentChildren;
}) {
  return h('section', { class: 'admin-card', 'aria-labelledby': id }, h('h2', { id }, title), children);
}

/** Copies to the clipboard, falling back to selecting the text. */
export function CopyButton({
  t,
  text,
  label,
}: {
  t: AdminStrings;
  text: string;
  label?: string;
}): ComponentChild {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 2000);
    } catch {
      setDone(false);
    }
  };
  return h(
    'span',
    { class: 'copy' },
    h('button', { type: 'button', onClick: () => void copy(), 'aria-label': label }, t.copy),
    h('span', { role: 'status', class: 'copied' }, done ? t.copied : ''),
  );
}

export function inputValue(e: Event): string {
  return (e.target as HTMLInputElement).value;
}

export function formatDateTime(iso: string, language: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(language === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The inbox's single-key shortcuts (j, k, t, e…) act on conversations: off
 * while these screens show, except `?` (help) and Escape. A capturing
 * listener on the window runs before the document's.
 */
export function useInboxKeysOff(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' || e.key === 'Escape' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key.length === 1) e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}

/** A table that may scroll sideways on a phone: a named region the keyboard can reach and scroll. */
export function scrollRegion(label: string) {
  return { class: 'table-wrap', tabIndex: 0, role: 'region', 'aria-label': label };
}
