import { describe, expect, it } from 'vitest';
import type { AccountStore, LinkRecord, SessionRecord } from '../../src/core/ports/account-store.js';
import { A, B, at, user, type StoreSuite } from './helpers.js';

type SetupInput = Parameters<AccountStore['setupFirstAccount']>[0];

function setupInput(n: number): SetupInput {
  const userId = `admin-${n}`;
  return {
    tenantId: A,
    user: { ...user(userId, `Admin ${n}`), role: 'admin' },
    email: `admin-${n}@example.com`,
    passwordHash: `hash-${n}`,
    organization: { id: `org-${n}`, name: `Org ${n}`, createdAt: at(0), updatedAt: at(0) },
    agent: {
      userId,
      organizationId: `org-${n}`,
      role: 'admin',
      maxChats: 5,
      status: 'online',
      createdAt: at(0),
      updatedAt: at(0),
    },
  };
}

function session(id: string, userId: string, s = 0): SessionRecord {
  return { id, tenantId: A, userId, createdAt: at(s), expiresAt: at(s + 3600), revokedAt: null };
}

function link(tokenHash: string, userId: string, kind: LinkRecord['kind'] = 'reset'): LinkRecord {
  return { tokenHash, kind, tenantId: A, userId, expiresAt: at(3600), usedAt: null };
}

/** Dashboard accounts, sessions and one-time links (`account-store.ts`). */
export function accounts({ store }: StoreSuite): void {
  describe('dashboard accounts', () => {
    const accountOf = (userId: string, email: string, passwordHash: string | null = 'h') => ({
      userId,
      email,
      passwordHash,
      createdAt: at(1),
    });

    it('sets up the first account exactly once under concurrent calls, writing nothing for the losers', async () => {
      expect(await store.accounts.countAccounts()).toBe(0);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.accounts.setupFirstAccount(setupInput(i))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await store.accounts.countAccounts()).toBe(1);
      for (let i = 0; i < 10; i++) {
        const won = i === winner;
        expect(await store.accounts.getAccount(A, `admin-${i}`), `account ${i}`).toEqual(
          won
            ? {
                tenantId: A,
                userId: `admin-${i}`,
                email: `admin-${i}@example.com`,
                passwordHash: `hash-${i}`,
                disabledAt: null,
                createdAt: at(0),
                updatedAt: at(0),
              }
            : null,
        );
        expect((await store.getUser(A, `admin-${i}`)) !== null, `user ${i}`).toBe(won);
        expect((await store.livechat.getOrganization(A, `org-${i}`)) !== null, `org ${i}`).toBe(won);
        expect((await store.livechat.getAgent(A, `admin-${i}`)) !== null, `agent ${i}`).toBe(won);
      }
      expect(await store.livechat.getAgent(A, `admin-${winner}`)).toMatchObject({
        organizationId: `org-${winner}`,
        role: 'admin',
        status: 'online',
      });
      expect((await store.getUser(A, `admin-${winner}`))?.role).toBe('admin');
      // Once set up, never again.
      expect(await store.accounts.setupFirstAccount(setupInput(99))).toBe(false);
      expect(await store.getUser(A, 'admin-99')).toBeNull();
    });

    it('refuses a first setup once any account exists', async () => {
      await store.insertUser(A, user('u1', 'U1'));
      expect(await store.accounts.insertAccount(A, accountOf('u1', 'u1@example.com'))).toBe(true);
      expect(await store.accounts.setupFirstAccount(setupInput(1))).toBe(false);
      expect(await store.getUser(A, 'admin-1')).toBeNull();
      expect(await store.livechat.getOrganization(A, 'org-1')).toBeNull();
    });

    it('inserts an account only for an existing user, with a free email, once per user', async () => {
      await store.insertUser(A, user('u1', 'U1'));
      await store.insertUser(A, user('u2', 'U2'));
      await store.insertUser(B, user('u1', 'U1 of B'));
      expect(await store.accounts.insertAccount(A, accountOf('u1', 'one@example.com', null))).toBe(true);
      // The email is unique across the whole server, tenants included.
      expect(await store.accounts.insertAccount(A, accountOf('u2', 'one@example.com'))).toBe(false);
      expect(await store.accounts.insertAccount(B, accountOf('u1', 'one@example.com'))).toBe(false);
      // One account per user.
      expect(await store.accounts.insertAccount(A, accountOf('u1', 'other@example.com'))).toBe(false);
      // No such user.
      expect(await store.accounts.insertAccount(A, accountOf('ghost', 'ghost@example.com'))).toBe(false);
      expect(await store.accounts.insertAccount(B, accountOf('u2', 'u2b@example.com'))).toBe(false);
      expect(await store.accounts.findAccountByEmail('ghost@example.com')).toBeNull();
      expect(await store.accounts.getAccount(A, 'u2')).toBeNull();
      expect(await store.accounts.countAccounts()).toBe(1);

      const expected = {
        tenantId: A,
        userId: 'u1',
        email: 'one@example.com',
        passwordHash: null,
        disabledAt: null,
        createdAt: at(1),
        updatedAt: at(1),
      };
      expect(await store.accounts.findAccountByEmail('one@example.com')).toEqual(expected);
      expect(await store.accounts.getAccount(A, 'u1')).toEqual(expected);
      expect(await store.accounts.getAccount(B, 'u1')).toBeNull();
      expect(await store.accounts.findAccountByEmail('two@example.com')).toBeNull();
      // B's u1 gets its own account with another email.
      expect(await store.accounts.insertAccount(B, accountOf('u1', 'oneb@example.com'))).toBe(true);
      expect((await store.accounts.findAccountByEmail('oneb@example.com'))?.tenantId).toBe(B);
    });

    it('sets the password and the disabled mark, and says false for an unknown account', async () => {
      await store.insertUser(A, user('u1', 'U1'));
      await store.accounts.insertAccount(A, accountOf('u1', 'u1@example.com', null));
      expect(await store.accounts.setPassword(A, 'u1', 'new-hash', at(5))).toBe(true);
      expect(await store.accounts.getAccount(A, 'u1')).toMatchObject({
        passwordHash: 'new-hash',
        disabledAt: null,
        updatedAt: at(5),
        createdAt: at(1),
      });
      expect(await store.accounts.setDisabled(A, 'u1', at(6), at(6))).toBe(true);
      expect(await store.accounts.findAccountByEmail('u1@example.com')).toMatchObject({
        passwordHash: 'new-hash',
        disabledAt: at(6),
        updatedAt: at(6),
      });
      expect(await store.accounts.setDisabled(A, 'u1', null, at(7))).toBe(true);
      expect(await store.accounts.getAccount(A, 'u1')).toMatchObject({ disabledAt: null, updatedAt: at(7) });
      expect(await store.accounts.setPassword(A, 'nobody', 'x', at(8))).toBe(false);
      expect(await store.accounts.setDisabled(A, 'nobody', at(8), at(8))).toBe(false);
      expect(await store.accounts.setPassword(B, 'u1', 'x', at(8))).toBe(false);
      expect((await store.accounts.getAccount(A, 'u1'))?.passwordHash).toBe('new-hash');
    });

    it('lists the accounts of an organization’s agents by email, and only theirs', async () => {
      const org = (id: string) => ({ id, name: id, createdAt: at(0), updatedAt: at(0) });
      const agentOf = (userId: string, organizationId: string) => ({
        userId,
        organizationId,
        role: 'agent' as const,
        maxChats: 5,
        status: 'offline' as const,
        createdAt: at(0),
        updatedAt: at(0),
      });
      await store.livechat.insertOrganization(A, org('o1'));
      await store.livechat.insertOrganization(A, org('o2'));
      await store.livechat.insertOrganization(B, org('o1'));
      for (const [tenant, userId, organizationId, email] of [
        [A, 'zed', 'o1', 'zed@example.com'],
        [A, 'amy', 'o1', 'amy@example.com'],
        [A, 'bea', 'o2', 'bea@example.com'],
        [B, 'cat', 'o1', 'cat@example.com'],
      ] as const) {
        await store.insertUser(tenant, user(userId, userId));
        expect(await store.livechat.insertAgent(tenant, agentOf(userId, organizationId))).toBe(true);
        expect(await store.accounts.insertAccount(tenant, accountOf(userId, email, null))).toBe(true);
      }
      // An agent without an account, and an account without an agent profile: both left out.
      await store.insertUser(A, user('noacc', 'No account'));
      await store.livechat.insertAgent(A, agentOf('noacc', 'o1'));
      await store.insertUser(A, user('noagent', 'No agent'));
      await store.accounts.insertAccount(A, accountOf('noagent', 'noagent@example.com'));
      await store.accounts.setDisabled(A, 'zed', at(4), at(4));

      const listed = await store.accounts.listOrganizationAccounts(A, 'o1');
      expect(listed.map((a) => a.email)).toEqual(['amy@example.com', 'zed@example.com']);
      expect(listed[1]).toEqual({
        tenantId: A,
        userId: 'zed',
        email: 'zed@example.com',
        passwordHash: null,
        disabledAt: at(4),
        createdAt: at(1),
        updatedAt: at(4),
      });
      expect((await store.accounts.listOrganizationAccounts(B, 'o1')).map((a) => a.userId)).toEqual(['cat']);
      expect(await store.accounts.listOrganizationAccounts(A, 'unknown')).toEqual([]);
    });

    it('stores sessions and revokes each once, for good', async () => {
      await store.insertUser(A, user('u1', 'U1'));
      await store.accounts.insertSession(session('ses-1', 'u1'));
      await store.accounts.insertSession(session('ses-2', 'u1', 10));
      expect(await store.accounts.getSession('ses-1')).toEqual(session('ses-1', 'u1'));
      expect(await store.accounts.getSession('ses-unknown')).toBeNull();
      expect(await store.accounts.revokeSession('ses-1', at(20))).toBe(true);
      expect(await store.accounts.revokeSession('ses-1', at(30))).toBe(false);
      expect(await store.accounts.getSession('ses-1')).toEqual({
        ...session('ses-1', 'u1'),
        revokedAt: at(20),
      });
      // The other session of the same user is untouched.
      expect(await store.accounts.getSession('ses-2')).toEqual(session('ses-2', 'u1', 10));
      expect(await store.accounts.revokeSession('ses-unknown', at(20))).toBe(false);
    });

    it('uses a link once, even under concurrent uses; expired or of another kind, never', async () => {
      await store.insertUser(A, user('u1', 'U1'));
      await store.accounts.insertLink(link('h-reset', 'u1'));
      await store.accounts.insertLink(link('h-invite', 'u1', 'invite'));
      // The wrong kind is refused and leaves the link usable.
      expect(await store.accounts.useLink('h-reset', 'invite', at(10))).toBeNull();
      const uses = await Promise.all(
        Array.from({ length: 10 }, () => store.accounts.useLink('h-reset', 'reset', at(10))),
      );
      const used = uses.filter((u) => u !== null);
      expect(used).toEqual([{ ...link('h-reset', 'u1'), usedAt: at(10) }]);
      expect(await store.accounts.useLink('h-reset', 'reset', at(11))).toBeNull();
      // Expired: at its expiry instant and after it.
      expect(await store.accounts.useLink('h-invite', 'invite', at(3600))).toBeNull();
      expect(await store.accounts.useLink('h-invite', 'invite', at(4000))).toBeNull();
      expect(await store.accounts.useLink('h-unknown', 'reset', at(10))).toBeNull();
      // Still valid just before its expiry (the expired attempts did not use it).
      expect(await store.accounts.useLink('h-invite', 'invite', at(3599))).toEqual({
        ...link('h-invite', 'u1', 'invite'),
        usedAt: at(3599),
      });
    });

    it('deletes the account, its sessions and its links with the user', async () => {
      await store.insertUser(A, user('u1', 'U1'));
      await store.insertUser(A, user('u2', 'U2'));
      await store.accounts.insertAccount(A, accountOf('u1', 'u1@example.com'));
      await store.accounts.insertAccount(A, accountOf('u2', 'u2@example.com'));
      await store.accounts.insertSession(session('ses-1', 'u1'));
      await store.accounts.insertSession(session('ses-2', 'u2'));
      await store.accounts.insertLink(link('h-1', 'u1'));
      await store.accounts.insertLink(link('h-2', 'u2'));
      expect(await store.deleteUser(A, 'u1')).toBe(true);
      expect(await store.accounts.getAccount(A, 'u1')).toBeNull();
      expect(await store.accounts.findAccountByEmail('u1@example.com')).toBeNull();
      expect(await store.accounts.getSession('ses-1')).toBeNull();
      expect(await store.accounts.useLink('h-1', 'reset', at(10))).toBeNull();
      expect(await store.accounts.countAccounts()).toBe(1);
      // The other user's are untouched, and the email is free again.
      expect(await store.accounts.getSession('ses-2')).not.toBeNull();
      expect((await store.accounts.useLink('h-2', 'reset', at(10)))?.userId).toBe('u2');
      await store.insertUser(A, user('u3', 'U3'));
      expect(await store.accounts.insertAccount(A, accountOf('u3', 'u1@example.com'))).toBe(true);
    });
  });
}
