import { Option, type Command } from 'commander';
import type { Message, ReadReceipt } from '@parley/protocol';
import { all, chatClientOf, contextOf } from '../context.js';
import { UsageError } from '../errors.js';
import { describeMessage, senderOf } from '../format.js';
import type { Output } from '../output.js';
import { isoTime, nonNegativeInteger } from '../parsers.js';

function printMessage(out: Output, message: Message): void {
  out.record(message, [
    ['id', message.id],
    ['threadId', message.threadId],
    ['sequence', message.sequence],
    ['type', message.type],
    ['sender', message.senderId],
    ['senderDisplayName', message.senderDisplayName],
    ['createdAt', message.createdAt],
    ['editedAt', message.editedAt],
    ['deletedAt', message.deletedAt],
    ['content', describeMessage(message)],
  ]);
}

const threadOption = ['--thread <threadId>', 'the thread'] as const;
const messageIdOption = ['--message-id <messageId>', 'the message'] as const;

/** `parley message …`: messages and read receipts, as the user of the access token. */
export function registerMessageCommands(program: Command): void {
  const message = program
    .command('message')
    .description('send, list, read, edit and delete messages; read receipts (as a user)');

  message
    .command('send')
    .description('send a message to a thread')
    .requiredOption(...threadOption)
    .requiredOption('--content <text>', 'the message content')
    .option('--display-name <name>', "the sender's display name on this message")
    .addOption(
      new Option('--message-type <type>', 'text, or html (sanitized by the server)')
        .choices(['text', 'html'])
        .default('text'),
    )
    .option('--client-message-id <id>', 'makes a retried send safe: the server returns the first message')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{
        thread: string;
        content: string;
        displayName?: string;
        messageType: 'text' | 'html';
        clientMessageId?: string;
      }>(command);
      const sent = await chatClientOf(options)
        .getChatThreadClient(options.thread)
        .sendMessage({
          content: options.content,
          type: options.messageType,
          ...(options.displayName !== undefined && { senderDisplayName: options.displayName }),
          ...(options.clientMessageId !== undefined && { clientMessageId: options.clientMessageId }),
        });
      printMessage(out, sent);
    });

  message
    .command('list')
    .description('list the messages of a thread (newest first; oldest first from --start-time)')
    .requiredOption(...threadOption)
    .option('--start-time <time>', 'only messages from this ISO 8601 time on, oldest first', isoTime)
    .addOption(
      new Option('--order <order>', 'asc (oldest first) or desc (newest first)').choices(['asc', 'desc']),
    )
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread: string; startTime?: string; order?: 'asc' | 'desc' }>(
        command,
      );
      if (options.startTime && options.order === 'desc') {
        throw new UsageError('--start-time lists oldest first: it cannot be combined with --order desc');
      }
      const messages = await all(
        chatClientOf(options)
          .getChatThreadClient(options.thread)
          .listMessages({
            ...(options.startTime && { startTime: options.startTime }),
            ...(options.order && { order: options.order }),
          }),
      );
      out.list(messages, [
        { header: 'SEQ', value: (m) => m.sequence },
        { header: 'ID', value: (m) => m.id },
        { header: 'TYPE', value: (m) => m.type },
        { header: 'SENDER', value: (m) => senderOf(m) },
        { header: 'CREATED', value: (m) => m.createdAt },
        { header: 'CONTENT', value: (m) => describeMessage(m) },
      ]);
    });

  message
    .command('get')
    .description('show one message')
    .requiredOption(...threadOption)
    .requiredOption(...messageIdOption)
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread: string; messageId: string }>(command);
      printMessage(
        out,
        await chatClientOf(options).getChatThreadClient(options.thread).getMessage(options.messageId),
      );
    });

  message
    .command('update')
    .description('edit a message you sent')
    .requiredOption(...threadOption)
    .requiredOption(...messageIdOption)
    .requiredOption('--content <text>', 'the new content')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread: string; messageId: string; content: string }>(command);
      const updated = await chatClientOf(options)
        .getChatThreadClient(options.thread)
        .updateMessage(options.messageId, { content: options.content });
      printMessage(out, updated);
    });

  message
    .command('delete')
    .description('delete a message (its sender or a thread owner)')
    .requiredOption(...threadOption)
    .requiredOption(...messageIdOption)
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread: string; messageId: string }>(command);
      await chatClientOf(options).getChatThreadClient(options.thread).deleteMessage(options.messageId);
      out.done(`Message ${options.messageId} deleted.`, {
        threadId: options.thread,
        messageId: options.messageId,
        deleted: true,
      });
    });

  const receipt = message.command('receipt').description('read receipts');

  receipt
    .command('send')
    .description('mark the messages up to this one as read')
    .requiredOption(...threadOption)
    .requiredOption(...messageIdOption)
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread: string; messageId: string }>(command);
      const sent = await chatClientOf(options)
        .getChatThreadClient(options.thread)
        .sendReadReceipt(options.messageId);
      out.record(sent, [
        ['userId', sent.userId],
        ['messageId', sent.messageId],
        ['sequence', sent.sequence],
        ['readAt', sent.readAt],
      ]);
    });

  receipt
    .command('list')
    .description("list each participant's latest read receipt")
    .requiredOption(...threadOption)
    .option('--skip <n>', 'skip the first n receipts', nonNegativeInteger)
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread: string; skip?: number }>(command);
      const receipts = await all(
        chatClientOf(options)
          .getChatThreadClient(options.thread)
          .listReadReceipts(options.skip !== undefined ? { skip: options.skip } : {}),
      );
      out.list<ReadReceipt>(receipts, [
        { header: 'USER', value: (r) => r.userId },
        { header: 'MESSAGE', value: (r) => r.messageId },
        { header: 'SEQ', value: (r) => r.sequence },
        { header: 'READ AT', value: (r) => r.readAt },
      ]);
    });
}
