import type { Command } from 'commander';
import type { ApiKey } from '@parley/protocol';
import { adminClientOf, all, contextOf } from '../context.js';

/** `parley api-key …`: the tenant's API keys, with an API key. */
export function registerApiKeyCommands(program: Command): void {
  const apiKey = program
    .command('api-key')
    .description('create, list and revoke API keys (with the API key)');

  apiKey
    .command('create')
    .description('create an API key; its secret is shown this once')
    .requiredOption('--name <name>', 'what the key is for')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ name: string }>(command);
      const created = await adminClientOf(options).createApiKey(options.name);
      out.record(created, [
        ['id', created.id],
        ['name', created.name],
        ['createdAt', created.createdAt],
        ['secret', created.secret],
      ]);
      if (!out.json) out.note('Store the secret now: it is never shown again.');
    });

  apiKey
    .command('list')
    .description("list the tenant's API keys (without secrets)")
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<object>(command);
      const keys = await all(adminClientOf(options).listApiKeys());
      out.list<ApiKey>(keys, [
        { header: 'ID', value: (k) => k.id },
        { header: 'NAME', value: (k) => k.name },
        { header: 'PREFIX', value: (k) => k.prefix },
        { header: 'CREATED', value: (k) => k.createdAt },
        { header: 'LAST USED', value: (k) => k.lastUsedAt },
      ]);
    });

  apiKey
    .command('revoke')
    .description('revoke an API key')
    .requiredOption('--key-id <keyId>', 'the id of the key (from "api-key list")')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ keyId: string }>(command);
      await adminClientOf(options).revokeApiKey(options.keyId);
      out.done(`API key ${options.keyId} revoked.`, { keyId: options.keyId, revoked: true });
    });
}
