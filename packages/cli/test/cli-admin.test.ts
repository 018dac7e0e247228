import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKey, CreatedApiKey, IssuedToken, TokenValidation, User } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../server/test/support/server.js';
import { uid } from '../../server/test/support/fixtures.js';
import { json, runCli } from './run-cli.js';

// Each case spawns the CLI several times (a second or more each under tsx, more on a loaded
// machine): a budget for the whole case, not a timing assertion.
const SPAWNS_TIMEOUT_MS = 120_000;

let server: TestServer;
let admin: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  admin = { PARLEY_ENDPOINT: server.url, PARLEY_API_KEY: server.apiKey };
});
afterAll(async () => {
  await server?.close();
});

describe('user, token and api-key', { timeout: SPAWNS_TIMEOUT_MS }, () => {
  it('creates, lists and deletes users', async () => {
    const id = uid('dana');
    const [created, table] = await Promise.all([
      runCli(['user', 'create', '--user', id, '--display-name', 'Dana', '--role', 'agent', '--json'], admin),
      runCli(['user', 'create', '--display-name', 'Eve'], admin),
    ]);
    expect(json<User>(created)).toMatchObject({ id, displayName: 'Dana', role: 'agent' });
    expect(table.stdout).toMatch(/^id\s+\S+\ndisplayName\s+Eve\nrole\s+member\n/);

    const [list, search, duplicate, badRole] = await Promise.all([
      runCli(['user', 'list'], admin),
      runCli(['user', 'list', '--search', 'Dana', '--json'], admin),
      runCli(['user', 'create', '--user', id, '--display-name', 'Again'], admin),
      runCli(['user', 'create', '--display-name', 'X', '--role', 'king'], admin),
    ]);
    expect(list.stdout).toMatch(/^ID\s+DISPLAY NAME\s+ROLE\s+CREATED\n/);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+Dana\\s+agent\\s`, 'm'));
    expect(json<User[]>(search).map((u) => u.id)).toEqual([id]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/user_exists, HTTP 409/);
    expect(badRole.code).toBe(2);

    const deleted = await runCli(['user', 'delete', '--user', id, '--json'], admin);
    expect(json(deleted)).toEqual({ userId: id, deleted: true });
    const again = await runCli(['user', 'delete', '--user', id], admin);
    expect(again.code).toBe(4);
  });

  it('issues, validates and revokes tokens', async () => {
    const id = uid('tok');
    await server.api('POST', '/v1/users', { body: { id, displayName: 'Tok' } });
    const [issued, table, badScope] = await Promise.all([
      runCli(
        [
          'token',
          'issue',
          '--user',
          id,
          '--scope',
          'chat',
          '--scope',
          'users.read',
          '--expires-in',
          '600',
          '--json',
        ],
        admin,
      ),
      runCli(['token', 'issue', '--user', id], admin),
      runCli(['token', 'issue', '--user', id, '--scope', 'everything'], admin),
    ]);
    const token = json<IssuedToken>(issued);
    expect(token).toMatchObject({ userId: id, scopes: ['chat', 'users.read'] });
    expect(table.stdout).toMatch(/^userId\s+\S+\nscopes\s+chat\nexpiresAt\s+\S+\ntoken\s+eyJ/);
    expect(badScope.code).toBe(2);

    const [valid, invalid] = await Promise.all([
      runCli(['token', 'validate', '--token', token.token, '--json'], admin),
      runCli(['token', 'validate', '--token', 'garbage'], admin),
    ]);
    expect(json<TokenValidation>(valid)).toMatchObject({ valid: true, subject: id });
    expect(invalid.code).toBe(0);
    expect(invalid.stdout).toMatch(/^valid\s+false\nreason\s+invalid_token\n/);

    const revoked = await runCli(['token', 'revoke', '--user', id], admin);
    expect(revoked).toMatchObject({ code: 0, stdout: `Tokens of ${id} revoked.\n` });
    const after = await runCli(['token', 'validate', '--token', token.token, '--json'], admin);
    expect(json<TokenValidation>(after)).toMatchObject({ valid: false, reason: 'token_revoked' });
  });

  it('creates, lists and revokes API keys', async () => {
    const created = await runCli(['api-key', 'create', '--name', 'ci', '--json'], admin);
    const key = json<CreatedApiKey>(created);
    expect(key).toMatchObject({ name: 'ci', secret: expect.stringMatching(/^pk_/) });
    expect(created.stderr).toBe('');

    const [table, list] = await Promise.all([
      runCli(['api-key', 'create', '--name', 'human'], admin),
      runCli(['api-key', 'list', '--json'], admin),
    ]);
    expect(table.stdout).toMatch(/^secret\s+pk_/m);
    expect(table.stderr).toMatch(/never shown again/);
    expect(json<ApiKey[]>(list).map((k) => k.name)).toContain('ci');
    expect(list.stdout).not.toContain(key.secret);

    // The new key works, then stops working once revoked.
    const withNew = { PARLEY_ENDPOINT: server.url, PARLEY_API_KEY: key.secret };
    expect((await runCli(['api-key', 'list'], withNew)).stdout).toMatch(
      /^ID\s+NAME\s+PREFIX\s+CREATED\s+LAST USED\n/,
    );
    const revoked = await runCli(['api-key', 'revoke', '--key-id', key.id, '--json'], admin);
    expect(json(revoked)).toEqual({ keyId: key.id, revoked: true });
    const [rejected, unknown] = await Promise.all([
      runCli(['user', 'list'], withNew),
      runCli(['api-key', 'revoke', '--key-id', 'key_nope'], admin),
    ]);
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toMatch(/invalid_api_key, HTTP 401/);
    expect(unknown.code).toBe(4);
  });

  it('asks for the API key when it is missing, and refuses a user token where a key is needed', async () => {
    const id = uid('plain');
    await server.api('POST', '/v1/users', { body: { id, displayName: 'Plain' } });
    const token = (await server.api<IssuedToken>('POST', `/v1/users/${id}/tokens`)).body.token;
    const [missing, asUser] = await Promise.all([
      runCli(['user', 'list'], { PARLEY_ENDPOINT: server.url, PARLEY_ACCESS_TOKEN: token }),
      runCli(['user', 'list', '--api-key', token], { PARLEY_ENDPOINT: server.url }),
    ]);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/no API key.*--api-key.*PARLEY_API_KEY/);
    expect(asUser.code).toBe(3);
  });
});

describe('help', { timeout: SPAWNS_TIMEOUT_MS }, () => {
  it('prints help with exit 0, for the program and for a nested command', async () => {
    const [root, nested, version, none] = await Promise.all([
      runCli(['--help']),
      runCli(['message', 'receipt', 'send', '--help']),
      runCli(['--version']),
      runCli([]),
    ]);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/Usage: parley/);
    expect(root.stdout).toMatch(/Exit codes:/);
    expect(nested.code).toBe(0);
    expect(nested.stdout).toMatch(/Usage: parley message receipt send \[options\]/);
    expect(nested.stdout).toMatch(/--message-id <messageId>/);
    expect(nested.stdout).toMatch(/PARLEY_ACCESS_TOKEN/);
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    expect(none.code).toBe(2);
  });
});
