import type { Command } from 'commander';
import type { Scope } from '@parley/protocol';
import { adminClientOf, contextOf } from '../context.js';
import { collectChoices, positiveInteger } from '../parsers.js';

const SCOPES: Scope[] = ['chat', 'users.read', 'admin'];

/** `parley token …`: user access tokens, with the API key. */
export function registerTokenCommands(program: Command): void {
  const token = program
    .command('token')
    .description('issue, validate and revoke user access tokens (with the API key)');

  token
    .command('issue')
    .description('issue an access token for a user')
    .requiredOption('--user <userId>', 'the user')
    .option(
      '--scope <scope>',
      `a scope of the token: ${SCOPES.join(', ')} (repeatable; default: chat)`,
      collectChoices(SCOPES),
    )
    .option(
      '--expires-in <seconds>',
      'lifetime in seconds (60 s to 30 days; default: the server’s)',
      positiveInteger,
    )
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ user: string; scope?: Scope[]; expiresIn?: number }>(command);
      const issued = await adminClientOf(options).issueToken(options.user, {
        ...(options.scope && { scopes: options.scope }),
        ...(options.expiresIn !== undefined && { expiresInSeconds: options.expiresIn }),
      });
      out.record(issued, [
        ['userId', issued.userId],
        ['scopes', issued.scopes.join(' ')],
        ['expiresAt', issued.expiresAt],
        ['token', issued.token],
      ]);
    });

  token
    .command('validate')
    .description('check an access token; exits 0 either way, "valid" says the verdict')
    .requiredOption('--token <token>', 'the access token to check')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ token: string }>(command);
      const result = await adminClientOf(options).validateToken(options.token);
      out.record(result, [
        ['valid', result.valid],
        ['reason', result.reason],
        ['subject', result.subject],
        ['tenantId', result.tenantId],
        ['scopes', result.scopes?.join(' ')],
        ['expiresAt', result.expiresAt],
      ]);
    });

  token
    .command('revoke')
    .description('revoke every token issued so far to a user (their connections close)')
    .requiredOption('--user <userId>', 'the user')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ user: string }>(command);
      await adminClientOf(options).revokeTokens(options.user);
      out.done(`Tokens of ${options.user} revoked.`, { userId: options.user, revoked: true });
    });
}
