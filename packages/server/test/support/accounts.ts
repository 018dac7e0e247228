// Helpers for the dashboard-account tests: calls from distinct addresses, setup, links read from mail.
import { afterAll, beforeAll, expect } from 'vitest';
import type { Invitation, Session } from '@parley/protocol';
import type { ServerConfig } from '../../src/config.js';
import type { Api, ApiResponse } from './server.js';
import { eventually } from './livechat.js';
import { startSmtp, type Delivered, type TestSmtp } from './smtp.js';

export const PUBLIC_URL = 'https://parley.example';
export const PASSWORD = 'correct horse battery';

/** The in-process SMTP server; declare it before the test server, so it listens first and closes last. */
export function useSmtp(): { readonly delivered: Delivered[]; url: () => string } {
  let smtp: TestSmtp | undefined;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => smtp?.close());
  return {
    get delivered() {
      return smtp?.delivered ?? [];
    },
    url: () => smtp!.url,
  };
}

/** A configure function: mail through `smtp`, links under PUBLIC_URL. */
export function withMail(smtp: { url: () => string }) {
  return (c: ServerConfig): void => {
    c.smtpUrl = smtp.url();
    c.mailFrom = 'Parley <noreply@parley.test>';
    c.publicUrl = PUBLIC_URL;
  };
}

let ipSeq = 0;

/**
 * A fresh client address (test servers trust X-Forwarded-For from loopback): the per-address
 * limits of the public routes then never meet the tests, and the per-email
 * ones can be tested alone.
 */
export function freshIp(): string {
  ipSeq += 1;
  return `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
}

/** A call to an `/v1/auth` route, without credentials unless `auth`, from a fresh address unless `ip`. */
export function authCall<T = unknown>(
  api: Api,
  method: string,
  path: string,
  options: { body?: unknown; auth?: string; ip?: string } = {},
): Promise<ApiResponse<T>> {
  return api<T>(method, `/v1/auth${path}`, {
    auth: options.auth ?? null,
    headers: { 'x-forwarded-for': options.ip ?? freshIp() },
    ...(options.body !== undefined && { body: options.body }),
  });
}

export function signIn(
  api: Api,
  email: string,
  password: string,
  ip?: string,
): Promise<ApiResponse<Session>> {
  return authCall<Session>(api, 'POST', '/sign-in', { body: { email, password }, ...(ip && { ip }) });
}

/** Signs in and asserts 200. */
export async function session(api: Api, email: string, password = PASSWORD): Promise<Session> {
  const res = await signIn(api, email, password);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The first-run setup; asserts 201. */
export async function setupAdmin(api: Api, email = 'Admin@Example.com'): Promise<Session> {
  const res = await authCall<Session>(api, 'POST', '/setup', {
    body: { email, password: PASSWORD, displayName: 'Ada Admin', organizationName: 'Acme' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** The one mail of this kind to `email` (polled until it arrived), its link and the `rt_`/`it_` token in it. */
export async function linkMailedTo(
  smtp: { readonly delivered: Delivered[] },
  email: string,
  kind: 'reset' | 'invite',
): Promise<{ mail: Delivered; url: string; token: string }> {
  const pattern = new RegExp(
    `(\\S+/app/#/${kind}\\?token=(${kind === 'reset' ? 'rt' : 'it'}_[A-Za-z0-9_-]+))`,
  );
  const mails = () =>
    smtp.delivered.filter((d) => d.rcptTo.includes(email) && pattern.test(d.mail.text ?? ''));
  const [mail] = await eventually(
    async () => mails(),
    (found) => found.length > 0,
  );
  expect(mails()).toHaveLength(1);
  const match = pattern.exec(mail!.mail.text ?? '')!;
  return { mail: mail!, url: match[1]!, token: match[2]! };
}

/** Invites `email` to the organization as `auth` (a session or the API key); asserts 201. */
export async function invite(
  api: Api,
  auth: string,
  organizationId: string,
  email: string,
  extra: { role?: 'agent' | 'supervisor' | 'admin' } = {},
): Promise<Invitation> {
  const res = await api<Invitation>('POST', `/v1/organizations/${organizationId}/invitations`, {
    auth,
    body: { email, displayName: `Agent ${email.split('@')[0]}`, ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Invites `email` and accepts with PASSWORD: the agent's first session. */
export async function invitedAgent(
  api: Api,
  smtp: { readonly delivered: Delivered[] },
  auth: string,
  organizationId: string,
  email: string,
): Promise<Session> {
  await invite(api, auth, organizationId, email);
  const { token } = await linkMailedTo(smtp, email, 'invite');
  const res = await authCall<Session>(api, 'POST', '/invitations/accept', {
    body: { token, password: PASSWORD },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
