import type { ClientFrame, ResumeState, ServerFrame } from '@parley/protocol';
import { ERRORS } from '@parley/protocol';
import type { Core, UserActor } from '../core/index.js';
import { knownError, requireUser } from '../core/index.js';
import type { Metrics } from '../metrics.js';
import type { Connection } from './connection.js';
import type { Subscriptions } from './subscriptions.js';
import { replayThread, replayUntilRemoval } from './replay.js';

/** What the gateway gives a session: the domain, the subscriptions and the user registry. */
export interface SessionContext {
  core: Core;
  subscriptions: Subscriptions;
  metrics: Metrics;
  heartbeatIntervalMs: number;
  /** Registers an authenticated connection (user controls, presence). */
  attach(connection: Connection): Promise<void>;
}

/** Authenticates a `hello`, follows the user's threads, replays what a resuming client missed. */
export async function startSession(
  ctx: SessionContext,
  connection: Connection,
  frame: Extract<ClientFrame, { type: 'hello' }>,
): Promise<void> {
  let actor: UserActor;
  try {
    // The domain's rule: real time is for users with the chat scope (not API keys).
    actor = requireUser(await ctx.core.authenticate(frame.token), 'A real-time connection');
  } catch (err) {
    const known = knownError(err);
    if (known?.code === 'token_expired') return connection.close('token_expired');
    if (known?.code === 'token_revoked') return connection.close('token_revoked');
    if (known?.code === 'service_unavailable') return connection.close('service_unavailable');
    return connection.close('unauthenticated');
  }
  connection.actor = actor;
  connection.credential = frame.token;
  await ctx.attach(connection);
  const { store } = ctx.core.deps;
  const threadIds = await store.threadIdsForUser(actor.tenantId, actor.userId);
  const plan = await resumePlan(ctx, actor, threadIds, frame.resume);
  for (const [threadId, step] of plan) if (step.member) connection.holdThread(threadId);
  await Promise.all(threadIds.map((id) => ctx.subscriptions.follow(connection, actor.tenantId, id)));
  if (connection.closing) return;
  const presence = await ctx.core.presence.contactsPresence(actor.tenantId, actor.userId);
  connection.markReady({
    type: 'ready',
    connectionId: connection.id,
    userId: actor.userId,
    tenantId: actor.tenantId,
    serverTime: ctx.core.deps.clock.now(),
    heartbeatIntervalMs: ctx.heartbeatIntervalMs,
    resuming: frame.resume !== undefined,
    presence,
  });
  if (!frame.resume) return;
  const budget = { remaining: ctx.core.deps.config.limits.resumeMaxEvents };
  let replayed = 0;
  for (const [threadId, step] of plan) {
    const outcome = step.member
      ? await replayThread(store, connection, actor.tenantId, threadId, step.afterPos, budget)
      : await replayUntilRemoval(
          store,
          connection,
          actor.tenantId,
          threadId,
          actor.userId,
          step.afterPos,
          budget,
        );
    if ('resync' in outcome) connection.send({ type: 'resync_required', threadId, reason: outcome.resync });
    else replayed += outcome.replayed;
    if (connection.closing) return;
  }
  connection.send({ type: 'caught_up', replayed });
}

interface ReplayStep {
  afterPos: number;
  /** False for threads the client names but the user is no longer in. */
  member: boolean;
}

/**
 * For each thread to replay, where to start: the client's position for threads
 * it knows (members replay everything after it; others only up to their own
 * removal), and the join position for threads joined since its last `ready`.
 */
async function resumePlan(
  ctx: SessionContext,
  actor: UserActor,
  current: string[],
  resume: ResumeState | undefined,
): Promise<Map<string, ReplayStep>> {
  const plan = new Map<string, ReplayStep>();
  if (!resume) return plan;
  const { store } = ctx.core.deps;
  const member = new Set(current);
  for (const [threadId, pos] of Object.entries(resume.threads)) {
    plan.set(threadId, { afterPos: pos, member: member.has(threadId) });
  }
  if (resume.since !== undefined) {
    const joined = await store.threadsJoinedSince(
      actor.tenantId,
      actor.userId,
      new Date(resume.since).toISOString(),
    );
    for (const { threadId, joinedPos } of joined)
      if (!plan.has(threadId)) plan.set(threadId, { afterPos: joinedPos - 1, member: true });
  }
  return plan;
}

/** Handles a frame from an authenticated connection. */
export async function handleCommand(
  ctx: SessionContext,
  connection: Connection,
  frame: ClientFrame,
): Promise<void> {
  const actor = connection.actor;
  if (!actor) return;
  const reply = (f: ServerFrame) => {
    if (!connection.closing) connection.send(f);
  };
  switch (frame.type) {
    case 'hello':
      return reply({ type: 'error', error: { code: 'invalid_request', message: 'Already authenticated.' } });
    case 'ping':
      return reply({ type: 'pong', ...(frame.id !== undefined && { id: frame.id }) });
    case 'send': {
      const started = performance.now();
      await respond(reply, frame.id, async () => {
        const { message } = await ctx.core.messages.send(actor, frame.threadId, {
          content: frame.content,
          ...(frame.messageType !== undefined && { type: frame.messageType }),
          ...(frame.senderDisplayName !== undefined && { senderDisplayName: frame.senderDisplayName }),
          ...(frame.metadata !== undefined && { metadata: frame.metadata }),
          ...(frame.clientMessageId !== undefined && { clientMessageId: frame.clientMessageId }),
        });
        ctx.metrics.sendLatency.labels('ws').observe((performance.now() - started) / 1000);
        return { type: 'ack', id: frame.id, message };
      });
      return;
    }
    case 'read':
      await respond(reply, frame.id, async () => {
        const receipt = await ctx.core.receipts.markRead(actor, frame.threadId, frame.messageId);
        return { type: 'ack', id: frame.id ?? '', receipt };
      });
      return;
    case 'typing':
      await respond(reply, undefined, async () => {
        await ctx.core.typing.notify(actor, frame.threadId);
        return null;
      });
      return;
  }
}

/** Runs an action and answers with its result or an error frame carrying the catalogue code. */
async function respond(
  reply: (f: ServerFrame) => void,
  id: string | undefined,
  action: () => Promise<ServerFrame | null>,
): Promise<void> {
  try {
    const frame = await action();
    if (frame && id !== undefined) reply(frame);
  } catch (err) {
    const known = knownError(err);
    reply({
      type: 'error',
      ...(id !== undefined && { id }),
      error: {
        code: known ? known.code : 'internal_error',
        message: known ? known.message : ERRORS.internal_error.message,
        ...(known?.details.retryAfter !== undefined && { retryAfter: known.details.retryAfter }),
        ...(known?.details.field !== undefined && { field: known.details.field }),
      },
    });
    if (!known) throw err;
  }
}
