import { beforeEach, describe, expect, it } from 'vitest';
import type { Participant, Thread, ThreadEvent } from '@parley/protocol';
import {
  A,
  B,
  addInput,
  at,
  participant,
  removeInput,
  storedSystemMessage,
  type StoreSuite,
} from './helpers.js';

/** Participants: listing, adding with the limit, removing, each with its system message. */
export function participants({ store, expectLogged, thread }: StoreSuite): void {
  /**
   * The system message by which `initiatorId` announces that `userId` joined
   * or left th-1, next in sequence after `before`, written at second `s`.
   */
  const announcement = (
    type: 'participantAdded' | 'participantRemoved',
    id: string,
    before: Thread,
    initiatorId: string,
    userId: string,
    s: number,
  ) =>
    storedSystemMessage({
      id,
      threadId: 'th-1',
      sequence: before.lastSequence + 1,
      type,
      system: { initiatorId, participants: [{ userId, displayName: `User ${userId}` }] },
      createdAt: at(s),
    });

  /** An event of th-1 at `pos`, logged at second `s`. */
  const eventOfTh1 = (
    pos: number,
    s: number,
    body: { type: ThreadEvent['type'] } & Record<string, unknown>,
  ) => ({
    threadId: 'th-1',
    pos,
    at: at(s),
    ...body,
  });

  describe('participants', () => {
    beforeEach(async () => {
      // zoe and amy join together (ordered by id), bob later.
      await thread({ id: 'th-1', at: at(1), members: ['zoe', 'amy'] });
      await store.addParticipants(addInput('th-1', ['bob'], 10, at(2)));
    });

    it('lists by join time then user id, with skip and limit', async () => {
      const all = await store.listParticipants(A, 'th-1', { limit: 10, skip: 0 });
      expect(all.map((p) => p.userId)).toEqual(['amy', 'zoe', 'bob']);
      expect(all[2]).toEqual({
        userId: 'bob',
        displayName: 'User bob',
        role: 'member',
        shareHistoryTime: at(0),
        joinedAt: at(2),
      });
      expect((await store.listParticipants(A, 'th-1', { limit: 1, skip: 1 })).map((p) => p.userId)).toEqual([
        'zoe',
      ]);
      expect(await store.listParticipants(A, 'th-1', { limit: 10, skip: 3 })).toEqual([]);
      expect(await store.countParticipants(A, 'th-1')).toBe(3);
      expect(await store.listParticipants(B, 'th-1', { limit: 10, skip: 0 })).toEqual([]);
      expect(await store.countParticipants(B, 'th-1')).toBe(0);
      expect(await store.getParticipant(B, 'th-1', 'amy')).toBeNull();
      expect(await store.getParticipant(A, 'th-1', 'nobody')).toBeNull();
    });

    it('adds only new participants, with a participantAdded system message and participant.added', async () => {
      const before = (await store.getThread(A, 'th-1'))!;
      const result = await store.addParticipants({
        ...addInput('th-1', ['carl'], 10, at(7)),
        participants: [{ ...participant('amy'), role: 'owner', displayName: 'Changed' }, participant('carl')],
        initiatorId: 'zoe',
        systemMessageId: 'sys-add',
      });
      const carl: Participant = {
        userId: 'carl',
        displayName: 'User carl',
        role: 'member',
        shareHistoryTime: at(0),
        joinedAt: at(7),
      };
      const systemMessage = announcement('participantAdded', 'sys-add', before, 'zoe', 'carl', 7);
      // participant.added comes first: a new participant resumes from its position (joinedPos)
      // and so also receives the system message that announces them.
      expect(result).toEqual({
        ok: true,
        added: [carl],
        events: [
          eventOfTh1(before.lastPosition + 1, 7, { type: 'participant.added', participants: [carl] }),
          eventOfTh1(before.lastPosition + 2, 7, { type: 'message.created', message: systemMessage }),
        ],
      });
      if (!result.ok) throw new Error('expected ok');
      await expectLogged(A, result.events);
      expect(await store.getParticipant(A, 'th-1', 'amy')).toMatchObject({
        displayName: 'User amy',
        role: 'member',
      });
      expect(await store.getParticipant(A, 'th-1', 'carl')).toEqual({
        ...carl,
        lastReadSequence: 0,
        joinedPos: before.lastPosition + 1,
      });
      expect(await store.getThread(A, 'th-1')).toMatchObject({
        lastActivityAt: at(7),
        lastPosition: before.lastPosition + 2,
        lastSequence: before.lastSequence + 1,
      });
    });

    it('writes nothing when everyone is already present', async () => {
      const before = await store.getThread(A, 'th-1');
      expect(await store.addParticipants(addInput('th-1', ['amy', 'bob'], 10, at(8)))).toEqual({
        ok: true,
        added: [],
        events: [],
      });
      expect(await store.getThread(A, 'th-1')).toEqual(before);
    });

    it('fails with limit, writing nothing, past maxParticipants', async () => {
      const before = await store.getThread(A, 'th-1');
      const log = await store.eventsAfter(A, 'th-1', 0, 100);
      expect(await store.addParticipants(addInput('th-1', ['carl', 'dave'], 4, at(8)))).toEqual({
        ok: false,
        reason: 'limit',
      });
      expect(await store.countParticipants(A, 'th-1')).toBe(3);
      expect(await store.getParticipant(A, 'th-1', 'carl')).toBeNull();
      expect(await store.getThread(A, 'th-1')).toEqual(before);
      expect(await store.eventsAfter(A, 'th-1', 0, 100)).toEqual(log);
      expect(await store.getMessage(A, 'th-1', 'sys-add-th-1-carl-dave')).toBeNull();

      // Present users do not count against the limit; reaching it exactly is allowed.
      const ok = await store.addParticipants(addInput('th-1', ['amy', 'carl'], 4, at(9)));
      expect(ok.ok && ok.added.map((p) => p.userId)).toEqual(['carl']);
      expect(await store.countParticipants(A, 'th-1')).toBe(4);
    });

    it('reports thread_not_found for an unknown thread or another tenant’s', async () => {
      expect(await store.addParticipants(addInput('unknown', ['carl'], 10))).toEqual({
        ok: false,
        reason: 'thread_not_found',
      });
      expect(await store.addParticipants({ ...addInput('th-1', ['carl'], 10), tenantId: B })).toEqual({
        ok: false,
        reason: 'thread_not_found',
      });
      expect(await store.getParticipant(A, 'th-1', 'carl')).toBeNull();
    });

    it('removes a participant with a participantRemoved system message and participant.removed', async () => {
      const before = (await store.getThread(A, 'th-1'))!;
      const result = await store.removeParticipant(removeInput('th-1', 'zoe', 9, 'amy'));
      const systemMessage = announcement('participantRemoved', 'sys-rm', before, 'amy', 'zoe', 9);
      // The system message precedes the membership change, as for a topic change.
      expect(result).toEqual({
        events: [
          eventOfTh1(before.lastPosition + 1, 9, { type: 'message.created', message: systemMessage }),
          eventOfTh1(before.lastPosition + 2, 9, { type: 'participant.removed', userIds: ['zoe'] }),
        ],
      });
      expect(await store.getMessage(A, 'th-1', 'sys-rm')).toEqual(systemMessage);
      await expectLogged(A, result!.events);
      expect(await store.getParticipant(A, 'th-1', 'zoe')).toBeNull();
      expect(await store.countParticipants(A, 'th-1')).toBe(2);
      expect((await store.getThread(A, 'th-1'))?.lastActivityAt).toBe(at(9));
    });

    it('returns null when the user is not a participant, or for another tenant', async () => {
      const remove = { threadId: 'th-1', initiatorId: null, systemMessageId: 'sys-rm', at: at(9) };
      expect(await store.removeParticipant({ ...remove, tenantId: A, userId: 'nobody' })).toBeNull();
      expect(await store.removeParticipant({ ...remove, tenantId: B, userId: 'zoe' })).toBeNull();
      expect(
        await store.removeParticipant({ ...remove, tenantId: A, threadId: 'unknown', userId: 'zoe' }),
      ).toBeNull();
      expect(await store.getParticipant(A, 'th-1', 'zoe')).not.toBeNull();
    });
  });
}
