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
      await store.insertOrganization(A, org('o2'));
      await store.insertOrganization(A, org('o1'));
      await store.insertOrganization(A, org('o3'));
      await store.insertOrganization(B, org('o1', 'B one'));
      expect(await store.getOrganization(A, 'o1')).toEqual(org('o1'));
      expect(await store.getOrganization(B, 'o1')).toEqual(org('o1', 'B one'));
      expect(await store.getOrganization(B, 'o2')).toBeNull();
      expect((await store.listOrganizations(A, { limit: 10 })).map((o) => o.id)).toEqual(['o1', 'o2', 'o3']);
      expect(await store.listOrganizations(A, { limit: 1, afterId: 'o1' })).toEqual([org('o2')]);
      expect(await store.listOrganizations(B, { limit: 10 })).toEqual([org('o1', 'B one')]);

      expect(await store.updateOrganization(A, 'o1', { name: 'Sales', updatedAt: at(5) })).toEqual({
        ...org('o1', 'Sales'),
        updatedAt: at(5),
      });
      expect(await store.updateOrganization(A, 'o1', { updatedAt: at(6) })).toMatchObject({
        name: 'Sales',
        updatedAt: at(6),
      });
      expect(await store.updateOrganization(B, 'o2', { name: 'X', updatedAt: at(7) })).toBeNull();
      expect(await store.deleteOrganization(B, 'o2')).toBe(false);
      expect(await store.deleteOrganization(A, 'o2')).toBe(true);
      expect(await store.deleteOrganization(A, 'o2')).toBe(false);
      expect(await store.getOrganization(A, 'o2')).toBeNull();
      expect(await store.getOrganization(B, 'o1')).not.toBeNull();
    });

    describe('with an organization and users', () => {
      beforeEach(async () => {
        await store.insertOrganization(A, org('o1'));
        await store.insertOrganization(A, org('o2'));
        for (const id of ['ann', 'bob', 'cid']) await store.insertUser(A, user(id, `User ${id}`));
        await store.insertUser(B, user('ann', 'Ann of B'));
        await store.insertOrganization(B, org('o1', 'B one'));
      });

      it('stores departments in their organization, oldest first', async () => {
        expect(await store.insertDepartment(A, dep('d2', 'o1', 1))).toBe(true);
        expect(await store.insertDepartment(A, dep('d1', 'o1', 2))).toBe(true);
        expect(await store.insertDepartment(A, dep('d3', 'o2', 1))).toBe(true);
        expect(await store.insertDepartment(A, dep('d4', 'nowhere'))).toBe(false);
        expect(await store.insertDepartment(B, dep('d5', 'o2'))).toBe(false);
        expect(await store.listDepartments(A, 'o1')).toEqual([dep('d2', 'o1', 1), dep('d1', 'o1', 2)]);
        expect(await store.listDepartments(B, 'o1')).toEqual([]);
        expect(await store.getDepartment(A, 'o1', 'd1')).toEqual(dep('d1', 'o1', 2));
        expect(await store.getDepartment(A, 'o2', 'd1')).toBeNull();
        expect(await store.getDepartment(B, 'o1', 'd1')).toBeNull();
        expect(await store.deleteDepartment(A, 'o2', 'd1')).toBe(false);
        expect(await store.deleteDepartment(B, 'o1', 'd1')).toBe(false);
        expect(await store.deleteDepartment(A, 'o1', 'd1')).toBe(true);
        expect(await store.listDepartments(A, 'o1')).toEqual([dep('d2', 'o1', 1)]);
      });

      it('makes a user an agent of one organization at most, with the user name', async () => {
        expect(await store.insertAgent(A, newAgent('ann', 'o1', { role: 'admin', maxChats: 0 }))).toBe(true);
        expect(await store.insertAgent(A, newAgent('ann', 'o1'))).toBe(false);
        expect(await store.insertAgent(A, newAgent('ann', 'o2'))).toBe(false);
        expect(await store.insertAgent(A, newAgent('nobody', 'o1'))).toBe(false);
        expect(await store.insertAgent(A, newAgent('bob', 'nowhere'))).toBe(false);
        expect(await store.insertAgent(B, newAgent('bob', 'o1'))).toBe(false);
        expect(await store.getAgent(A, 'ann')).toEqual(agent('ann', 'o1', { role: 'admin', maxChats: 0 }));
        expect(await store.getAgent(A, 'bob')).toBeNull();
        expect(await store.getAgent(B, 'ann')).toBeNull();

        expect(await store.insertAgent(B, newAgent('ann', 'o1'))).toBe(true);
        expect((await store.getAgent(B, 'ann'))?.displayName).toBe('Ann of B');
      });

      it('lists, updates and removes agents of an organization', async () => {
        for (const id of ['cid', 'ann', 'bob'])
          await store.insertAgent(A, newAgent(id, id === 'bob' ? 'o2' : 'o1'));
        expect((await store.listAgents(A, 'o1', { limit: 10 })).map((a) => a.userId)).toEqual(['ann', 'cid']);
        expect(await store.listAgents(A, 'o1', { limit: 1, afterId: 'ann' })).toEqual([agent('cid', 'o1')]);
        expect(await store.listAgents(B, 'o1', { limit: 10 })).toEqual([]);

        const updated = await store.updateAgent(A, 'o1', 'ann', {
          role: 'supervisor',
          maxChats: 100,
          status: 'online',
          updatedAt: at(9),
        });
        expect(updated).toEqual(
          agent('ann', 'o1', { role: 'supervisor', maxChats: 100, status: 'online', updatedAt: at(9) }),
        );
        expect(await store.updateAgent(A, 'o1', 'ann', { status: 'away', updatedAt: at(10) })).toMatchObject({
          role: 'supervisor',
          maxChats: 100,
          status: 'away',
        });
        expect(await store.updateAgent(A, 'o1', 'bob', { status: 'online', updatedAt: at(10) })).toBeNull();
        expect(await store.updateAgent(B, 'o1', 'ann', { status: 'online', updatedAt: at(10) })).toBeNull();

        expect(await store.deleteAgent(A, 'o2', 'ann')).toBe(false);
        expect(await store.deleteAgent(B, 'o1', 'ann')).toBe(false);
        expect(await store.deleteAgent(A, 'o1', 'ann')).toBe(true);
        expect(await store.getAgent(A, 'ann')).toBeNull();
        expect(await store.getUser(A, 'ann')).not.toBeNull();
        expect(await store.insertAgent(A, newAgent('ann', 'o2'))).toBe(true);
      });

      it('adds and removes department members within one organization', async () => {
        await store.insertDepartment(A, dep('d1', 'o1'));
        await store.insertDepartment(A, dep('d0', 'o1'));
        await store.insertDepartment(A, dep('d2', 'o2'));
        await store.insertAgent(A, newAgent('ann', 'o1'));
        await store.insertAgent(A, newAgent('bob', 'o2'));

        expect(await store.addDepartmentMember(A, 'o1', 'd1', 'ann')).toBe(true);
        expect(await store.addDepartmentMember(A, 'o1', 'd1', 'ann')).toBe(true);
        expect(await store.addDepartmentMember(A, 'o1', 'd0', 'ann')).toBe(true);
        expect(await store.addDepartmentMember(A, 'o1', 'd2', 'ann')).toBe(false);
        expect(await store.addDepartmentMember(A, 'o2', 'd2', 'ann')).toBe(false);
        expect(await store.addDepartmentMember(A, 'o1', 'd1', 'bob')).toBe(false);
        expect(await store.addDepartmentMember(A, 'o1', 'd1', 'cid')).toBe(false);
        expect(await store.addDepartmentMember(B, 'o1', 'd1', 'ann')).toBe(false);
        expect((await store.getAgent(A, 'ann'))?.departmentIds).toEqual(['d0', 'd1']);
        expect((await store.listAgents(A, 'o1', { limit: 10 }))[0]?.departmentIds).toEqual(['d0', 'd1']);

        expect(await store.removeDepartmentMember(B, 'o1', 'd1', 'ann')).toBe(false);
        expect(await store.removeDepartmentMember(A, 'o1', 'd1', 'ann')).toBe(true);
        expect(await store.removeDepartmentMember(A, 'o1', 'd1', 'ann')).toBe(false);
        expect((await store.getAgent(A, 'ann'))?.departmentIds).toEqual(['d0']);
      });

      it('deletes memberships with their department, agent profile or user', async () => {
        await store.insertDepartment(A, dep('d1', 'o1'));
        await store.insertDepartment(A, dep('d2', 'o1'));
        for (const id of ['ann', 'bob', 'cid']) {
          await store.insertAgent(A, newAgent(id, 'o1'));
          await store.addDepartmentMember(A, 'o1', 'd1', id);
          await store.addDepartmentMember(A, 'o1', 'd2', id);
        }
        await store.deleteDepartment(A, 'o1', 'd1');
        expect((await store.getAgent(A, 'ann'))?.departmentIds).toEqual(['d2']);

        await store.deleteAgent(A, 'o1', 'bob');
        await store.insertAgent(A, newAgent('bob', 'o1'));
        expect((await store.getAgent(A, 'bob'))?.departmentIds).toEqual([]);

        expect(await store.deleteUser(A, 'cid')).toBe(true);
        expect(await store.getAgent(A, 'cid')).toBeNull();
        await store.insertUser(A, user('cid', 'User cid'));
        expect(await store.insertAgent(A, newAgent('cid', 'o1'))).toBe(true);
        expect((await store.getAgent(A, 'cid'))?.departmentIds).toEqual([]);
      });

      it('deletes an organization with its departments and agent profiles, keeping the users', async () => {
        await store.insertDepartment(A, dep('d1', 'o1'));
        await store.insertAgent(A, newAgent('ann', 'o1'));
        await store.addDepartmentMember(A, 'o1', 'd1', 'ann');
        await store.insertAgent(B, newAgent('ann', 'o1'));

        expect(await store.deleteOrganization(A, 'o1')).toBe(true);
        expect(await store.getAgent(A, 'ann')).toBeNull();
        expect(await store.getDepartment(A, 'o1', 'd1')).toBeNull();
        expect(await store.getUser(A, 'ann')).not.toBeNull();
        expect(await store.getAgent(B, 'ann')).not.toBeNull();

        // A new organization of the same id starts empty.
        await store.insertOrganization(A, org('o1'));
        expect(await store.listDepartments(A, 'o1')).toEqual([]);
        expect(await store.listAgents(A, 'o1', { limit: 10 })).toEqual([]);
      });

      it('returns fresh objects the caller may keep', async () => {
        await store.insertDepartment(A, dep('d1', 'o1'));
        await store.insertAgent(A, newAgent('ann', 'o1'));
        await store.addDepartmentMember(A, 'o1', 'd1', 'ann');
        const first = (await store.getAgent(A, 'ann'))!;
        first.departmentIds.push('mutated');
        expect((await store.getAgent(A, 'ann'))?.departmentIds).toEqual(['d1']);
      });
    });
  });
}
