import type { Command } from 'commander';
import type { Participant } from '@parley/protocol';
import { all, chatClientOf, contextOf } from '../context.js';
import type { Output } from '../output.js';
import { isoTime, nonNegativeInteger } from '../parsers.js';

function printParticipants(out: Output, participants: Participant[]): void {
  out.list(participants, [
    { header: 'USER', value: (p) => p.userId },
    { header: 'DISPLAY NAME', value: (p) => p.displayName },
    { header: 'ROLE', value: (p) => p.role },
    { header: 'SHARE HISTORY FROM', value: (p) => p.shareHistoryTime },
    { header: 'JOINED', value: (p) => p.joinedAt },
  ]);
}

/** `parley participant …`: who is in a thread, as the user of the access token. */
export function registerParticipantCommands(program: Command): void {
  const participant = program
    .command('participant')
    .description('add, list and remove the participants of a thread (as a user)');

  participant
    .command('add')
    .description('add a user to a thread')
    .requiredOption('--thread <threadId>', 'the thread')
    .requiredOption('--user <userId>', 'the user to add')
    .option('--display-name <name>', 'their display name in this thread')
    .option(
      '--start-time <time>',
      'the ISO 8601 time from which they see the history (default: all of it)',
      isoTime,
    )
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{
        thread: string;
        user: string;
        displayName?: string;
        startTime?: string;
      }>(command);
      const added = await chatClientOf(options)
        .getChatThreadClient(options.thread)
        .addParticipants([
          {
            userId: options.user,
            ...(options.displayName !== undefined && { displayName: options.displayName }),
            ...(options.startTime !== undefined && { shareHistoryTime: options.startTime }),
          },
        ]);
      printParticipants(out, added);
    });

  participant
    .command('list')
    .description('list the participants of a thread')
    .requiredOption('--thread <threadId>', 'the thread')
    .option('--skip <n>', 'skip the first n participants', nonNegativeInteger)
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread: string; skip?: number }>(command);
      const participants = await all(
        chatClientOf(options)
          .getChatThreadClient(options.thread)
          .listParticipants(options.skip !== undefined ? { skip: options.skip } : {}),
      );
      printParticipants(out, participants);
    });

  participant
    .command('remove')
    .description('remove a user from a thread (owners), or leave it (yourself)')
    .requiredOption('--thread <threadId>', 'the thread')
    .requiredOption('--user <userId>', 'the user to remove')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread: string; user: string }>(command);
      await chatClientOf(options).getChatThreadClient(options.thread).removeParticipant(options.user);
      out.done(`Removed ${options.user} from ${options.thread}.`, {
        threadId: options.thread,
        userId: options.user,
        removed: true,
      });
    });
}
