import type { Command } from 'commander';
import type { Thread, ThreadSummary } from '@parley/protocol';
import { all, chatClientOf, contextOf } from '../context.js';
import { describeMessage, senderOf, truncate } from '../format.js';
import type { Output } from '../output.js';
import { collect, isoTime } from '../parsers.js';

function printThread(out: Output, thread: Thread): void {
  out.record(thread, [
    ['id', thread.id],
    ['topic', thread.topic],
    ['createdBy', thread.createdBy],
    ['createdAt', thread.createdAt],
    ['lastActivityAt', thread.lastActivityAt],
  ]);
}

/** `parley thread …`: threads, as the user of the access token. */
export function registerThreadCommands(program: Command): void {
  const thread = program
    .command('thread')
    .description('create, rename, list and delete chat threads (as a user)');

  thread
    .command('create')
    .description('create a thread; you become its owner')
    .requiredOption('--topic <topic>', 'the topic (title) of the thread')
    .option('--participant <userId>', 'also add this user (repeatable)', collect)
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ topic: string; participant?: string[] }>(command);
      const client = chatClientOf(options);
      const created = await client.createChatThread({
        topic: options.topic,
        ...(options.participant && { participants: options.participant.map((userId) => ({ userId })) }),
      });
      printThread(out, created);
    });

  thread
    .command('update-topic')
    .description('change the topic of a thread')
    .requiredOption('--thread <threadId>', 'the thread')
    .requiredOption('--topic <topic>', 'the new topic')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread: string; topic: string }>(command);
      const client = chatClientOf(options).getChatThreadClient(options.thread);
      await client.updateTopic(options.topic);
      out.done(`Topic of ${options.thread} set to "${options.topic}".`, {
        threadId: options.thread,
        topic: options.topic,
      });
    });

  thread
    .command('list')
    .description('list your threads, most recent activity first')
    .option('--start-time <time>', 'only threads with activity at or after this ISO 8601 time', isoTime)
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ startTime?: string }>(command);
      const client = chatClientOf(options);
      const threads = await all(
        client.listChatThreads(options.startTime ? { startTime: options.startTime } : {}),
      );
      out.list<ThreadSummary>(threads, [
        { header: 'ID', value: (t) => t.id },
        { header: 'TOPIC', value: (t) => t.topic },
        { header: 'UNREAD', value: (t) => t.unreadCount },
        { header: 'LAST ACTIVITY', value: (t) => t.lastActivityAt },
        {
          header: 'LAST MESSAGE',
          value: (t) =>
            t.lastMessage ? truncate(`${senderOf(t.lastMessage)}: ${describeMessage(t.lastMessage)}`) : '',
        },
      ]);
    });

  thread
    .command('delete')
    .description('delete a thread and its messages (owners only)')
    .requiredOption('--thread <threadId>', 'the thread')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread: string }>(command);
      await chatClientOf(options).deleteChatThread(options.thread);
      out.done(`Thread ${options.thread} deleted.`, { threadId: options.thread, deleted: true });
    });
}
