import type { Command } from 'commander';
import { ChatClient, ParleyAdminClient } from '@parley/sdk';
import { resolveAccessToken, resolveApiKey, resolveEndpoint, type GlobalOptions } from './config.js';
import { Output } from './output.js';

/** What an action needs: the merged options (its own and the global ones) and where to print. */
export interface Context<O> {
  options: O & GlobalOptions;
  out: Output;
}

export function contextOf<O>(command: Command): Context<O> {
  const options = command.optsWithGlobals<O & GlobalOptions>();
  return { options, out: new Output(Boolean(options.json)) };
}

/** A client acting as the user of the access token (thread, message, participant, listen). */
export function chatClientOf(options: GlobalOptions): ChatClient {
  return new ChatClient(resolveEndpoint(options), resolveAccessToken(options));
}

/** A client acting with the API key (user, token, api-key). */
export function adminClientOf(options: GlobalOptions): ParleyAdminClient {
  return new ParleyAdminClient(resolveEndpoint(options), resolveApiKey(options));
}

/** Every item of a list result, whether the SDK returns an array or a paged async iterable. */
export async function all<T>(list: Iterable<T> | AsyncIterable<T> | Promise<Iterable<T>>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of await list) items.push(item);
  return items;
}
