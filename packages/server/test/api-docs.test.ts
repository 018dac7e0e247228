import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CreateNoteBody,
  SetLabelsBody,
  CreateCannedResponseBody,
  UpdateCannedResponseBody,
  SetupBody,
  SignInBody,
  ChangePasswordBody,
  PasswordResetBody,
  ConfirmPasswordResetBody,
  AcceptInvitationBody,
  InviteAgentBody,
  SetAgentDisabledBody,
  StartConversationBody,
  RateConversationBody,
  TranscriptRequestBody,
  OfflineMessageBody,
  TakeConversationBody,
  TransferConversationBody,
  SnoozeConversationBody,
  AddAgentBody,
  AddDepartmentMemberBody,
  AddParticipantsBody,
  AttachBusinessHoursBody,
  CLOSE_CODES,
  CreateApiKeyBody,
  CreateBusinessHoursBody,
  CreateDepartmentBody,
  CreateOrganizationBody,
  CreateTenantBody,
  CreateThreadBody,
  CreateUserBody,
  DEFAULT_LIMITS,
  ERRORS,
  IssueOperatorTokenBody,
  IssueTokenBody,
  SendMessageBody,
  SendReadReceiptBody,
  UpdateAgentBody,
  UpdateBusinessHoursBody,
  UpdateMessageBody,
  UpdateOrganizationBody,
  UpdateThreadBody,
  UpdateUserBody,
  ValidateTokenBody,
  WidgetSettings,
  WidgetSettingsOverride,
  IdentitySecretBody,
  RegisterVisitorBody,
  ResumeVisitorBody,
  IdentifyVisitorBody,
} from '@parley/protocol';
import { createUserWithToken } from './support/server.js';
import { TestSocket } from './support/ws-client.js';
import { errorCode, makeThread, sendMessage, useTestServer } from './support/fixtures.js';

interface JsonSchema {
  type?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  maximum?: number;
  pattern?: string;
}
interface Operation {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, unknown>;
}
interface OpenApi {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, Operation>>;
}

/** Every route of the issue, as the OpenAPI document names it. */
const ROUTES: Record<string, string[]> = {
  '/v1/tenants': ['post'],
  '/v1/api-keys': ['post', 'get'],
  '/v1/api-keys/{keyId}': ['delete'],
  '/v1/users': ['post', 'get'],
  '/v1/users/{userId}': ['get', 'patch', 'delete'],
  '/v1/users/{userId}/tokens': ['post', 'delete'],
  '/v1/tokens/validate': ['post'],
  '/v1/threads': ['post', 'get'],
  '/v1/threads/{threadId}': ['get', 'patch', 'delete'],
  '/v1/threads/{threadId}/participants': ['post', 'get'],
  '/v1/threads/{threadId}/participants/{userId}': ['delete'],
  '/v1/threads/{threadId}/messages': ['post', 'get'],
  '/v1/threads/{threadId}/messages/{messageId}': ['get', 'patch', 'delete'],
  '/v1/threads/{threadId}/read-receipts': ['post', 'get'],
  '/v1/threads/{threadId}/typing': ['post'],
  '/v1/organizations': ['post', 'get'],
  '/v1/organizations/{organizationId}': ['get', 'patch', 'delete'],
  '/v1/organizations/{organizationId}/departments': ['post', 'get'],
  '/v1/organizations/{organizationId}/departments/{departmentId}': ['delete'],
  '/v1/organizations/{organizationId}/departments/{departmentId}/agents': ['post'],
  '/v1/organizations/{organizationId}/departments/{departmentId}/agents/{userId}': ['delete'],
  '/v1/organizations/{organizationId}/agents': ['post', 'get'],
  '/v1/organizations/{organizationId}/agents/{userId}': ['get', 'patch', 'delete'],
  '/v1/organizations/{organizationId}/operators/{userId}/tokens': ['post'],
  '/v1/organizations/{organizationId}/business-hours': ['post', 'get'],
  '/v1/organizations/{organizationId}/business-hours/{businessHoursId}': ['get', 'patch', 'delete'],
  '/v1/organizations/{organizationId}/departments/{departmentId}/business-hours': ['post', 'get'],
  '/v1/organizations/{organizationId}/departments/{departmentId}/business-hours/{businessHoursId}': [
    'delete',
  ],
  '/v1/organizations/{organizationId}/availability': ['get'],
  '/v1/organizations/{organizationId}/widget-settings': ['get', 'put'],
  '/v1/organizations/{organizationId}/widget-settings/resolved': ['get'],
  '/v1/organizations/{organizationId}/widget-key/rotate': ['post'],
  '/v1/organizations/{organizationId}/departments/{departmentId}/widget-settings': ['get', 'put', 'delete'],
  '/v1/organizations/{organizationId}/identity-secret': ['put', 'delete'],
  '/v1/widget/{widgetKey}/config': ['get'],
  '/v1/widget/{widgetKey}/visitors': ['post'],
  '/v1/widget/{widgetKey}/visitors/resume': ['post'],
  '/v1/widget/{widgetKey}/visitors/identify': ['post'],
  '/v1/widget/{widgetKey}/conversations': ['post'],
  '/v1/widget/{widgetKey}/conversations/current': ['get'],
  '/v1/widget/{widgetKey}/conversations/{conversationId}/rating': ['post'],
  '/v1/widget/{widgetKey}/conversations/{conversationId}/transcript': ['post'],
  '/v1/widget/{widgetKey}/offline-messages': ['post'],
  '/v1/organizations/{organizationId}/conversations': ['get'],
  '/v1/organizations/{organizationId}/conversations/{conversationId}': ['get'],
  '/v1/organizations/{organizationId}/conversations/{conversationId}/take': ['post'],
  '/v1/organizations/{organizationId}/conversations/{conversationId}/transfer': ['post'],
  '/v1/organizations/{organizationId}/conversations/{conversationId}/snooze': ['post'],
  '/v1/organizations/{organizationId}/conversations/{conversationId}/wake': ['post'],
  '/v1/organizations/{organizationId}/conversations/{conversationId}/resolve': ['post'],
  '/v1/organizations/{organizationId}/conversations/{conversationId}/reopen': ['post'],
  '/v1/organizations/{organizationId}/search': ['get'],
  '/v1/organizations/{organizationId}/reports': ['get'],
  '/v1/organizations/{organizationId}/reports/conversations.csv': ['get'],
  '/v1/organizations/{organizationId}/conversations/{conversationId}/notes': ['get', 'post'],
  '/v1/organizations/{organizationId}/conversations/{conversationId}/labels': ['put'],
  '/v1/organizations/{organizationId}/labels': ['get'],
  '/v1/organizations/{organizationId}/canned-responses': ['get', 'post'],
  '/v1/organizations/{organizationId}/canned-responses/{cannedResponseId}': ['patch', 'delete'],
  '/v1/audit-log': ['get'],
  '/v1/auth/setup': ['get', 'post'],
  '/v1/auth/sign-in': ['post'],
  '/v1/auth/sign-out': ['post'],
  '/v1/auth/me': ['get'],
  '/v1/auth/password': ['post'],
  '/v1/auth/password-reset': ['post'],
  '/v1/auth/password-reset/confirm': ['post'],
  '/v1/auth/invitations/accept': ['post'],
  '/v1/organizations/{organizationId}/invitations': ['post'],
  '/v1/organizations/{organizationId}/agents/{userId}/disabled': ['put'],
  '/v1/organizations/{organizationId}/agent-accounts': ['get'],
  '/healthz': ['get'],
  '/readyz': ['get'],
  '/metrics': ['get'],
};

/** The protocol schema each body is validated with. */
const BODIES: Record<string, TSchema> = {
  'post /v1/tenants': CreateTenantBody,
  'post /v1/api-keys': CreateApiKeyBody,
  'post /v1/users': CreateUserBody,
  'patch /v1/users/{userId}': UpdateUserBody,
  'post /v1/users/{userId}/tokens': IssueTokenBody,
  'post /v1/tokens/validate': ValidateTokenBody,
  'post /v1/threads': CreateThreadBody,
  'patch /v1/threads/{threadId}': UpdateThreadBody,
  'post /v1/threads/{threadId}/participants': AddParticipantsBody,
  'post /v1/threads/{threadId}/messages': SendMessageBody,
  'patch /v1/threads/{threadId}/messages/{messageId}': UpdateMessageBody,
  'post /v1/threads/{threadId}/read-receipts': SendReadReceiptBody,
  'post /v1/organizations': CreateOrganizationBody,
  'patch /v1/organizations/{organizationId}': UpdateOrganizationBody,
  'post /v1/organizations/{organizationId}/departments': CreateDepartmentBody,
  'post /v1/organizations/{organizationId}/departments/{departmentId}/agents': AddDepartmentMemberBody,
  'post /v1/organizations/{organizationId}/agents': AddAgentBody,
  'patch /v1/organizations/{organizationId}/agents/{userId}': UpdateAgentBody,
  'post /v1/organizations/{organizationId}/operators/{userId}/tokens': IssueOperatorTokenBody,
  'post /v1/organizations/{organizationId}/business-hours': CreateBusinessHoursBody,
  'patch /v1/organizations/{organizationId}/business-hours/{businessHoursId}': UpdateBusinessHoursBody,
  'post /v1/organizations/{organizationId}/departments/{departmentId}/business-hours':
    AttachBusinessHoursBody,
  'put /v1/organizations/{organizationId}/widget-settings': WidgetSettings,
  'put /v1/organizations/{organizationId}/departments/{departmentId}/widget-settings': WidgetSettingsOverride,
  'put /v1/organizations/{organizationId}/identity-secret': IdentitySecretBody,
  'post /v1/widget/{widgetKey}/visitors': RegisterVisitorBody,
  'post /v1/widget/{widgetKey}/visitors/resume': ResumeVisitorBody,
  'post /v1/widget/{widgetKey}/visitors/identify': IdentifyVisitorBody,
  'post /v1/widget/{widgetKey}/conversations': StartConversationBody,
  'post /v1/widget/{widgetKey}/conversations/{conversationId}/rating': RateConversationBody,
  'post /v1/widget/{widgetKey}/conversations/{conversationId}/transcript': TranscriptRequestBody,
  'post /v1/widget/{widgetKey}/offline-messages': OfflineMessageBody,
  'post /v1/organizations/{organizationId}/conversations/{conversationId}/take': TakeConversationBody,
  'post /v1/organizations/{organizationId}/conversations/{conversationId}/transfer': TransferConversationBody,
  'post /v1/organizations/{organizationId}/conversations/{conversationId}/snooze': SnoozeConversationBody,
  'post /v1/auth/setup': SetupBody,
  'post /v1/organizations/{organizationId}/conversations/{conversationId}/notes': CreateNoteBody,
  'put /v1/organizations/{organizationId}/conversations/{conversationId}/labels': SetLabelsBody,
  'post /v1/organizations/{organizationId}/canned-responses': CreateCannedResponseBody,
  'patch /v1/organizations/{organizationId}/canned-responses/{cannedResponseId}': UpdateCannedResponseBody,
  'post /v1/auth/sign-in': SignInBody,
  'post /v1/auth/password': ChangePasswordBody,
  'post /v1/auth/password-reset': PasswordResetBody,
  'post /v1/auth/password-reset/confirm': ConfirmPasswordResetBody,
  'post /v1/auth/invitations/accept': AcceptInvitationBody,
  'post /v1/organizations/{organizationId}/invitations': InviteAgentBody,
  'put /v1/organizations/{organizationId}/agents/{userId}/disabled': SetAgentDisabledBody,
};

/**
 * A schema in the form the OpenAPI generator writes it: `const` becomes a
 * one-value `enum` and a catch-all `patternProperties` becomes
 * `additionalProperties`. Both forms validate the same values.
 */
function normalize(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalize);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'const') out.enum = [value];
    else if (key === 'patternProperties' && Object.keys(value as object).join() === '^(.*)$') {
      out.additionalProperties = normalize((value as Record<string, unknown>)['^(.*)$']);
    } else out[key] = normalize(value);
  }
  return out;
}

const ts = useTestServer();
let doc: OpenApi;

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, op })),
  );
/** The path with every `{param}` replaced by a well-formed id. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'x1');

beforeAll(async () => {
  const response = await ts.api<OpenApi>('GET', '/v1/openapi.json', { auth: null });
  expect(response.status).toBe(200);
  doc = response.body;
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists exactly the routes of the issue', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('Parley API');
    const listed = Object.fromEntries(Object.entries(doc.paths).map(([p, m]) => [p, Object.keys(m).sort()]));
    expect(listed).toEqual(Object.fromEntries(Object.entries(ROUTES).map(([p, m]) => [p, [...m].sort()])));
    for (const { method, path, op } of operations()) {
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(
        Object.keys(op.responses).some((s) => s.startsWith('2')),
        `${method} ${path}`,
      ).toBe(true);
    }
  });

  it('documents the very body schemas the protocol package defines', () => {
    const documented = operations().filter(({ op }) => op.requestBody);
    expect(documented.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(
      Object.keys(BODIES).sort(),
    );
    for (const { method, path, op } of documented) {
      const schema = op.requestBody!.content['application/json'].schema;
      expect(normalize(schema), `${method} ${path}`).toEqual(normalize(BODIES[`${method} ${path}`]));
    }
  });

  it('enforces what it documents: required fields, closed bodies, id patterns and page sizes', async () => {
    const failures: string[] = [];
    const expect400 = async (label: string, method: string, path: string, body?: unknown) => {
      const response = await ts.api(method.toUpperCase(), path, { ...(body !== undefined && { body }) });
      if (response.status !== 400 || errorCode(response) !== 'invalid_request') {
        failures.push(`${label}: ${method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
      }
      return response.body as { error?: { field?: string } };
    };
    for (const { method, path, op } of operations()) {
      const schema = op.requestBody?.content['application/json'].schema;
      if (schema?.required?.length) {
        const answer = await expect400('missing required', method, concrete(path), {});
        if (!schema.required.includes(answer.error?.field ?? ''))
          failures.push(`${method} ${path}: field ${answer.error?.field}`);
      }
      if (schema?.additionalProperties === false) {
        await expect400('undocumented field', method, concrete(path), { zzUndocumented: 1 });
      }
      for (const param of op.parameters ?? []) {
        if (param.in === 'path' && param.schema.pattern) {
          // Parameters are validated before the body, so the parameter is the field at fault.
          const target = path.replace(`{${param.name}}`, '%24bad').replace(/\{[^}]+\}/g, 'x1');
          const answer = await expect400('path pattern', method, target, schema ? {} : undefined);
          if (answer.error?.field !== param.name)
            failures.push(`${method} ${target}: field ${answer.error?.field}`);
        }
        if (param.in === 'query' && param.schema.maximum !== undefined) {
          await expect400(
            'query maximum',
            method,
            `${concrete(path)}?${param.name}=${param.schema.maximum + 1}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('documents page sizes up to the limit of the issue', () => {
    const limits = operations().flatMap(({ op }) => (op.parameters ?? []).filter((p) => p.name === 'limit'));
    expect(limits.length).toBeGreaterThanOrEqual(5);
    for (const p of limits) expect(p.schema.maximum).toBe(DEFAULT_LIMITS.maxPageSize);
    expect(DEFAULT_LIMITS.maxPageSize).toBe(200);
  });

  it('serves a self-contained HTML reference mentioning every route', async () => {
    const page = await ts.api<string>('GET', '/docs', { auth: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toMatch(/<html/i);
    expect(page.body).not.toMatch(/<script/i);
    for (const [path, methods] of Object.entries(ROUTES)) {
      expect(page.body).toContain(path);
      for (const method of methods) expect(page.body).toContain(method.toUpperCase());
    }
  });
});

describe('operations endpoints', () => {
  it('answers health and readiness without credentials', async () => {
    expect(await ts.api('GET', '/healthz', { auth: null })).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await ts.api('GET', '/readyz', { auth: null })).toMatchObject({
      status: 200,
      body: { status: 'ready', store: 'ok', bus: 'ok' },
    });
  });

  it('exposes Prometheus metrics that follow connections, stored messages and HTTP requests', async () => {
    const metrics = async () => {
      const response = await ts.api<string>('GET', '/metrics', { auth: null });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      return response.body;
    };
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };

    const before = await metrics();
    expect(before).toContain('# TYPE parley_ws_connections gauge');
    expect(before).toContain('# TYPE parley_messages_stored_total counter');
    expect(before).toContain('# TYPE parley_http_request_duration_seconds histogram');
    const stored = value(before, 'parley_messages_stored_total')!;

    const user = await createUserWithToken(ts.api, 'metrics-user');
    const thread = await makeThread(ts.api, user, []);
    for (let i = 0; i < 3; i++) await sendMessage(ts.api, user, thread.id, `m${i}`);
    const socket = await TestSocket.connect(ts.wsUrl, user.token);
    try {
      const during = await metrics();
      expect(value(during, 'parley_messages_stored_total')).toBe(stored + 3);
      expect(value(during, 'parley_ws_connections')).toBe(1);
      expect(during).toMatch(
        /parley_http_request_duration_seconds_count\{[^}]*method="POST"[^}]*route="\/v1\/threads\/:threadId\/messages"[^}]*status="201"[^}]*\} 3/,
      );
    } finally {
      socket.close();
      await socket.closed();
    }
    for (let i = 0; i < 50 && value(await metrics(), 'parley_ws_connections') !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(value(await metrics(), 'parley_ws_connections')).toBe(0);
  });
});

describe('docs/errors.md', () => {
  const text = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');

  /** The rows of the markdown table whose header row is `header`, cells trimmed and unquoted. */
  const table = (header: string[]): string[][] => {
    const lines = text.split('\n').map((l) => l.trim());
    const cells = (line: string) =>
      line
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim().replace(/^`(.*)`$/, '$1'));
    const start = lines.findIndex((l) => l.startsWith('|') && cells(l).join('|') === header.join('|'));
    expect(start, `table ${header.join(' | ')}`).toBeGreaterThanOrEqual(0);
    const rows: string[][] = [];
    for (const line of lines.slice(start + 2)) {
      if (!line.startsWith('|')) break;
      rows.push(cells(line));
    }
    return rows;
  };

  it('lists exactly the error catalogue, in order, with statuses and meanings', () => {
    const rows = table(['code', 'HTTP status', 'meaning']);
    expect(rows).toEqual(Object.entries(ERRORS).map(([code, e]) => [code, String(e.status), e.message]));
  });

  it('lists exactly the WebSocket close codes with their client action', () => {
    const rows = table(['close code', 'name', 'client action', 'meaning']);
    expect(rows).toEqual(
      Object.entries(CLOSE_CODES).map(([name, c]) => [String(c.code), name, c.action, c.reason]),
    );
  });
});
