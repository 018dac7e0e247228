import { beforeEach, describe, expect, it } from 'vitest';
import type { Agent, Department, Organization } from '@parley/protocol';
import type { NewAgent } from '../../src/core/ports/organization-store.js';
import { A, B, at, user, type StoreSuite } from './helpers.js';

function org(id: string, name = `Org ${id}`, s = 0): Organization {
  return { id, name, createdAt: at(s), updatedAt: at(s) };
}

function dep(id: string, organizationId: string, s = 0): Department {
  return { id, organizationId, name: `Department ${id}`, createdAt: at(s) };
}

function newAgent(userId: string, organizationId: string, extra: Partial<NewAgent> = {}): NewAgent {
  return {
    userId,
    organizationId,
    role: 'agent',
    maxChats: 5,
    status: 'offline',
    createdAt: at(1),
    updatedAt: at(1),
    ...extra,
  };
}

function agent(userId: string, organizationId: string, extra: Partial<Agent> = {}): Agent {
  return {
    ...newAgent(userId, organizationId),
    displayName: `User ${userId}`,
    departmentIds: [],
    ...extra,
  };
}

/** Live-chat organizations, departments, agents and memberships (`organization-store.ts`). */
export function livechatOrganizations({ store }: StoreSuite): void {
  describe('live-chat organizations', () => {
    it('stores organizations per tenant, lists them by id, renames and deletes them', async () => {
      await store.livechat.insertOrganization(A, org('o2'));
      await store.livechat.insertOrganization(A, org('o1'));
      await store.livechat.insertOrganization(A, org('o3'));
      await store.livechat.insertOrganization(B, org('o1', 'B one'));
      expect(await store.livechat.getOrganization(A, 'o1')).toEqual(org('o1'));
      expect(await store.livechat.getOrganization(B, 'o1')).toEqual(org('o1', 'B one'));
      expect(await store.livechat.getOrganization(B, 'o2')).toBeNull();
      expect((await store.livechat.listOrganizations(A, { limit: 10 })).map((o) => o.id)).toEqual([
        'o1',
        'o2',
        'o3',
      ]);
      expect(await store.livechat.listOrganizations(A, { limit: 1, afterId: 'o1' })).toEqual([org('o2')]);
      expect(await store.livechat.listOrganizations(B, { limit: 10 })).toEqual([org('o1', 'B one')]);

      expect(await store.livechat.updateOrganization(A, 'o1', { name: 'Sales', updatedAt: at(5) })).toEqual({
        ...org('o1', 'Sales'),
        updatedAt: at(5),
      });
      expect(await store.livechat.updateOrganization(A, 'o1', { updatedAt: at(6) })).toMatchObject({
        name: 'Sales',
        updatedAt: at(6),
      });
      expect(await store.livechat.updateOrganization(B, 'o2', { name: 'X', updatedAt: at(7) })).toBeNull();
      expect(await store.livechat.deleteOrganization(B, 'o2')).toBe(false);
      expect(await store.livechat.deleteOrganization(A, 'o2')).toBe(true);
      expect(await store.livechat.deleteOrganization(A, 'o2')).toBe(false);
      expect(await store.livechat.getOrganization(A, 'o2')).toBeNull();
      expect(await store.livechat.getOrganization(B, 'o1')).not.toBeNull();
    });

    describe('with an organization and users', () => {
      beforeEach(async () => {
        await store.livechat.insertOrganization(A, org('o1'));
        await store.livechat.insertOrganization(A, org('o2'));
        for (const id of ['ann', 'bob', 'cid']) await store.insertUser(A, user(id, `User ${id}`));
        await store.insertUser(B, user('ann', 'Ann of B'));
        await store.livechat.insertOrganization(B, org('o1', 'B one'));
      });

      it('stores departments in their organization, oldest first', async () => {
        expect(await store.livechat.insertDepartment(A, dep('d2', 'o1', 1))).toBe(true);
        expect(await store.livechat.insertDepartment(A, dep('d1', 'o1', 2))).toBe(true);
        expect(await store.livechat.insertDepartment(A, dep('d3', 'o2', 1))).toBe(true);
        expect(await store.livechat.insertDepartment(A, dep('d4', 'nowhere'))).toBe(false);
        expect(await store.livechat.insertDepartment(B, dep('d5', 'o2'))).toBe(false);
        expect(await store.livechat.listDepartments(A, 'o1')).toEqual([
          dep('d2', 'o1', 1),
          dep('d1', 'o1', 2),
        ]);
        expect(await store.livechat.listDepartments(B, 'o1')).toEqual([]);
        expect(await store.livechat.getDepartment(A, 'o1', 'd1')).toEqual(dep('d1', 'o1', 2));
        expect(await store.livechat.getDepartment(A, 'o2', 'd1')).toBeNull();
        expect(await store.livechat.getDepartment(B, 'o1', 'd1')).toBeNull();
        expect(await store.livechat.deleteDepartment(A, 'o2', 'd1')).toBe(false);
        expect(await store.livechat.deleteDepartment(B, 'o1', 'd1')).toBe(false);
        expect(await store.livechat.deleteDepartment(A, 'o1', 'd1')).toBe(true);
        expect(await store.livechat.listDepartments(A, 'o1')).toEqual([dep('d2', 'o1', 1)]);
      });

      it('makes a user an agent of one organization at most, with the user name', async () => {
        expect(
          await store.livechat.insertAgent(A, newAgent('ann', 'o1', { role: 'admin', maxChats: 0 })),
        ).toBe(true);
        expect(await store.livechat.insertAgent(A, newAgent('ann', 'o1'))).toBe(false);
        expect(await store.livechat.insertAgent(A, newAgent('ann', 'o2'))).toBe(false);
        expect(await store.livechat.insertAgent(A, newAgent('nobody', 'o1'))).toBe(false);
        expect(await store.livechat.insertAgent(A, newAgent('bob', 'nowhere'))).toBe(false);
        expect(await store.livechat.insertAgent(B, newAgent('bob', 'o1'))).toBe(false);
        expect(await store.livechat.getAgent(A, 'ann')).toEqual(
          agent('ann', 'o1', { role: 'admin', maxChats: 0 }),
        );
        expect(await store.livechat.getAgent(A, 'bob')).toBeNull();
        expect(await store.livechat.getAgent(B, 'ann')).toBeNull();

        expect(await store.livechat.insertAgent(B, newAgent('ann', 'o1'))).toBe(true);
        expect((await store.livechat.getAgent(B, 'ann'))?.displayName).toBe('Ann of B');
      });

      it('lists, updates and removes agents of an organization', async () => {
        for (const id of ['cid', 'ann', 'bob'])
          await store.livechat.insertAgent(A, newAgent(id, id === 'bob' ? 'o2' : 'o1'));
        expect((await store.livechat.listAgents(A, 'o1', { limit: 10 })).map((a) => a.userId)).toEqual([
          'ann',
          'cid',
        ]);
        expect(await store.livechat.listAgents(A, 'o1', { limit: 1, afterId: 'ann' })).toEqual([
          agent('cid', 'o1'),
        ]);
        expect(await store.livechat.listAgents(B, 'o1', { limit: 10 })).toEqual([]);

        const updated = await store.livechat.updateAgent(A, 'o1', 'ann', {
          role: 'supervisor',
          maxChats: 100,
          status: 'online',
          updatedAt: at(9),
        });
        expect(updated).toEqual(
          agent('ann', 'o1', { role: 'supervisor', maxChats: 100, status: 'online', updatedAt: at(9) }),
        );
        expect(
          await store.livechat.updateAgent(A, 'o1', 'ann', { status: 'away', updatedAt: at(10) }),
        ).toMatchObject({
          role: 'supervisor',
          maxChats: 100,
          status: 'away',
        });
        expect(
          await store.livechat.updateAgent(A, 'o1', 'bob', { status: 'online', updatedAt: at(10) }),
        ).toBeNull();
        expect(
          await store.livechat.updateAgent(B, 'o1', 'ann', { status: 'online', updatedAt: at(10) }),
        ).toBeNull();

        expect(await store.livechat.deleteAgent(A, 'o2', 'ann')).toBe(false);
        expect(await store.livechat.deleteAgent(B, 'o1', 'ann')).toBe(false);
        expect(await store.livechat.deleteAgent(A, 'o1', 'ann')).toBe(true);
        expect(await store.livechat.getAgent(A, 'ann')).toBeNull();
        expect(await store.getUser(A, 'ann')).not.toBeNull();
        expect(await store.livechat.insertAgent(A, newAgent('ann', 'o2'))).toBe(true);
      });

      it('adds and removes department members within one organization', async () => {
        await store.livechat.insertDepartment(A, dep('d1', 'o1'));
        await store.livechat.insertDepartment(A, dep('d0', 'o1'));
        await store.livechat.insertDepartment(A, dep('d2', 'o2'));
        await store.livechat.insertAgent(A, newAgent('ann', 'o1'));
        await store.livechat.insertAgent(A, newAgent('bob', 'o2'));

        expect(await store.livechat.addDepartmentMember(A, 'o1', 'd1', 'ann')).toBe(true);
        expect(await store.livechat.addDepartmentMember(A, 'o1', 'd1', 'ann')).toBe(true);
        expect(await store.livechat.addDepartmentMember(A, 'o1', 'd0', 'ann')).toBe(true);
        expect(await store.livechat.addDepartmentMember(A, 'o1', 'd2', 'ann')).toBe(false);
        expect(await store.livechat.addDepartmentMember(A, 'o2', 'd2', 'ann')).toBe(false);
        expect(await store.livechat.addDepartmentMember(A, 'o1', 'd1', 'bob')).toBe(false);
        expect(await store.livechat.addDepartmentMember(A, 'o1', 'd1', 'cid')).toBe(false);
        expect(await store.livechat.addDepartmentMember(B, 'o1', 'd1', 'ann')).toBe(false);
        expect((await store.livechat.getAgent(A, 'ann'))?.departmentIds).toEqual(['d0', 'd1']);
        expect((await store.livechat.listAgents(A, 'o1', { limit: 10 }))[0]?.departmentIds).toEqual([
          'd0',
          'd1',
        ]);

        expect(await store.livechat.removeDepartmentMember(B, 'o1', 'd1', 'ann')).toBe(false);
        expect(await store.livechat.removeDepartmentMember(A, 'o1', 'd1', 'ann')).toBe(true);
        expect(await store.livechat.removeDepartmentMember(A, 'o1', 'd1', 'ann')).toBe(false);
        expect((await store.livechat.getAgent(A, 'ann'))?.departmentIds).toEqual(['d0']);
      });

      it('deletes memberships with their department, agent profile or user', async () => {
        await store.livechat.insertDepartment(A, dep('d1', 'o1'));
        await store.livechat.insertDepartment(A, dep('d2', 'o1'));
        for (const id of ['ann', 'bob', 'cid']) {
          await store.livechat.insertAgent(A, newAgent(id, 'o1'));
          await store.livechat.addDepartmentMember(A, 'o1', 'd1', id);
          await store.livechat.addDepartmentMember(A, 'o1', 'd2', id);
        }
        await store.livechat.deleteDepartment(A, 'o1', 'd1');
        expect((await store.livechat.getAgent(A, 'ann'))?.departmentIds).toEqual(['d2']);

        await store.livechat.deleteAgent(A, 'o1', 'bob');
        await store.livechat.insertAgent(A, newAgent('bob', 'o1'));
        expect((await store.livechat.getAgent(A, 'bob'))?.departmentIds).toEqual([]);

        expect(await store.deleteUser(A, 'cid')).toBe(true);
        expect(await store.livechat.getAgent(A, 'cid')).toBeNull();
        await store.insertUser(A, user('cid', 'User cid'));
        expect(await store.livechat.insertAgent(A, newAgent('cid', 'o1'))).toBe(true);
        expect((await store.livechat.getAgent(A, 'cid'))?.departmentIds).toEqual([]);
      });

      it('deletes an organization with its departments and agent profiles, keeping the users', async () => {
        await store.livechat.insertDepartment(A, dep('d1', 'o1'));
        await store.livechat.insertAgent(A, newAgent('ann', 'o1'));
        await store.livechat.addDepartmentMember(A, 'o1', 'd1', 'ann');
        await store.livechat.insertAgent(B, newAgent('ann', 'o1'));

        expect(await store.livechat.deleteOrganization(A, 'o1')).toBe(true);
        expect(await store.livechat.getAgent(A, 'ann')).toBeNull();
        expect(await store.livechat.getDepartment(A, 'o1', 'd1')).toBeNull();
        expect(await store.getUser(A, 'ann')).not.toBeNull();
        expect(await store.livechat.getAgent(B, 'ann')).not.toBeNull();

        // A new organization of the same id starts empty.
        await store.livechat.insertOrganization(A, org('o1'));
        expect(await store.livechat.listDepartments(A, 'o1')).toEqual([]);
        expect(await store.livechat.listAgents(A, 'o1', { limit: 10 })).toEqual([]);
      });

      it('returns fresh objects the caller may keep', async () => {
        await store.livechat.insertDepartment(A, dep('d1', 'o1'));
        await store.livechat.insertAgent(A, newAgent('ann', 'o1'));
        await store.livechat.addDepartmentMember(A, 'o1', 'd1', 'ann');
        const first = (await store.livechat.getAgent(A, 'ann'))!;
        first.departmentIds.push('mutated');
        expect((await store.livechat.getAgent(A, 'ann'))?.departmentIds).toEqual(['d1']);
      });
    });
  });
}
