import { Option, type Command } from 'commander';
import type { User, UserRole } from '@parley/protocol';
import { adminClientOf, all, contextOf } from '../context.js';

const ROLES: UserRole[] = ['admin', 'agent', 'member', 'visitor', 'bot'];

/** `parley user …`: the tenant's users, with the API key. */
export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('create, list and delete users (with the API key)');

  user
    .command('create')
    .description('create a user')
    .requiredOption('--display-name <name>', 'the name shown to others')
    .option('--user <userId>', 'the id to give the user (default: the server picks one)')
    .addOption(new Option('--role <role>', 'the role in the tenant (default: member)').choices(ROLES))
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ displayName: string; user?: string; role?: UserRole }>(command);
      const created = await adminClientOf(options).createUser({
        displayName: options.displayName,
        ...(options.user !== undefined && { id: options.user }),
        ...(options.role !== undefined && { role: options.role }),
      });
      out.record(created, [
        ['id', created.id],
        ['displayName', created.displayName],
        ['role', created.role],
        ['createdAt', created.createdAt],
      ]);
    });

  user
    .command('list')
    .description("list the tenant's users")
    .option('--search <text>', 'only users whose name or id matches')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ search?: string }>(command);
      const users = await all(
        adminClientOf(options).listUsers(options.search !== undefined ? { search: options.search } : {}),
      );
      out.list<User>(users, [
        { header: 'ID', value: (u) => u.id },
        { header: 'DISPLAY NAME', value: (u) => u.displayName },
        { header: 'ROLE', value: (u) => u.role },
        { header: 'CREATED', value: (u) => u.createdAt },
      ]);
    });

  user
    .command('delete')
    .description('delete a user (their connections close)')
    .requiredOption('--user <userId>', 'the user')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ user: string }>(command);
      await adminClientOf(options).deleteUser(options.user);
      out.done(`User ${options.user} deleted.`, { userId: options.user, deleted: true });
    });
}
