import type { Command } from 'commander';
import WebSocket from 'ws';
import { ChatClient, type WebSocketConstructorLike } from '@parley/sdk';
import type { EphemeralEvent, ThreadEvent } from '@parley/protocol';
import { resolveAccessToken, resolveEndpoint } from '../config.js';
import { contextOf } from '../context.js';
import { CliFailure, EXIT } from '../errors.js';
import { formatEvent } from './listen-format.js';

/** Close codes after which the SDK stops for good, and the exit code each one means for the CLI. */
const STOP_EXIT: Record<number, { exitCode: (typeof EXIT)[keyof typeof EXIT]; code: string }> = {
  4100: { exitCode: EXIT.auth, code: 'unauthenticated' },
  4103: { exitCode: EXIT.auth, code: 'origin_not_allowed' },
  4104: { exitCode: EXIT.auth, code: 'user_deleted' },
};

/** `parley listen`: prints live events until Ctrl-C. */
export function registerListenCommand(program: Command): void {
  program
    .command('listen')
    .description('stream live events, one line each (NDJSON with --json), until Ctrl-C')
    .option('--thread <threadId>', 'only events of this thread')
    .action(async (_: unknown, command: Command) => {
      const { options, out } = contextOf<{ thread?: string }>(command);
      const endpoint = resolveEndpoint(options);
      const client = new ChatClient(endpoint, resolveAccessToken(options), {
        // Node 20 has no global WebSocket; `ws` fits the SDK's WebSocketLike.
        WebSocket: WebSocket as unknown as WebSocketConstructorLike,
        // A one-shot command keeps no positions between runs.
        storage: null,
      });

      // One REST call first, so that a wrong URL, token or thread fails at once with
      // the usual exit code instead of the socket retrying forever.
      if (options.thread) await client.getChatThread(options.thread);
      else await client.listChatThreads({ maxPageSize: 1 }).byPage().next();

      const print = (event: ThreadEvent | EphemeralEvent): void => {
        if (options.thread && (!('threadId' in event) || event.threadId !== options.thread)) return;
        out.line(formatEvent(event), event);
      };
      client.on('event', print);
      client.on('typingIndicatorReceived', print);
      client.on('connected', (e) => {
        out.note(
          `Listening as ${e.userId} on ${endpoint}${options.thread ? ` (thread ${options.thread})` : ''}; Ctrl-C to stop.`,
        );
      });
      client.on('reconnecting', (e) => {
        out.note(`Connection lost; reconnecting in ${Math.round(e.delayMs)} ms (attempt ${e.attempt}).`);
      });
      client.on('resyncRequired', (e) => {
        out.note(
          `Missed events of thread ${e.threadId ?? '?'} could not be replayed (${e.reason}); list its messages to catch up.`,
        );
      });

      await new Promise<void>((resolve, reject) => {
        let stopping = false;
        const stop = (): void => {
          if (stopping) return;
          stopping = true;
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          client.stopRealtimeNotifications().then(resolve, reject);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        client.on('disconnected', (e) => {
          if (stopping || e.action !== 'stop') return;
          const known = STOP_EXIT[e.code] ?? { exitCode: EXIT.unavailable, code: 'disconnected' };
          stopping = true;
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          const why = e.reason ? `: ${e.reason}` : '';
          reject(
            new CliFailure(`the server closed the connection (${e.code}${why})`, known.exitCode, known.code),
          );
        });
        client.startRealtimeNotifications().catch((err: unknown) => {
          if (stopping) return;
          stopping = true;
          reject(err);
        });
      });
    });
}
