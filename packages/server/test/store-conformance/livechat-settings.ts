import { beforeEach, describe, expect, it } from 'vitest';
import type { BusinessHours, Department, Organization, WidgetSettings } from '@parley/protocol';
import { defaultWidgetSettings } from '../../src/core/livechat/widget-settings.js';
import { A, B, at, user, type StoreSuite } from './helpers.js';

function org(id: string): Organization {
  return { id, name: `Org ${id}`, createdAt: at(0), updatedAt: at(0) };
}

function dep(id: string, organizationId: string): Department {
  return { id, organizationId, name: `Department ${id}`, createdAt: at(0) };
}

function hours(id: string, organizationId: string, s = 0): BusinessHours {
  return {
    id,
    organizationId,
    name: `Hours ${id}`,
    schedule: {
      timeZone: 'Europe/Paris',
      weekly: [{ day: 1, open: '09:00', close: '17:00' }],
      holidays: [{ date: '2026-12-25', name: 'Noël' }, { date: '2026-01-01' }],
    },
    createdAt: at(s),
    updatedAt: at(s),
  };
}

const settings = (title: string): WidgetSettings => ({
  ...defaultWidgetSettings(),
  title,
  allowedOrigins: ['https://shop.example'],
  preChatForm: [{ key: 'name', label: 'Name', type: 'name', required: true }],
});

/** Business hours, attachments, online agents, widgets and overrides (`livechat-settings-store.ts`). */
export function livechatSettings({ store }: StoreSuite): void {
  describe('live-chat business hours and widgets', () => {
    beforeEach(async () => {
      await store.livechat.insertOrganization(A, org('o1'));
      await store.livechat.insertOrganization(A, org('o2'));
      await store.livechat.insertOrganization(B, org('o1'));
      await store.livechat.insertDepartment(A, dep('d1', 'o1'));
      await store.livechat.insertDepartment(A, dep('d2', 'o1'));
      await store.livechat.insertDepartment(A, dep('d3', 'o2'));
    });

    it('stores business hours per organization, oldest first, updates and deletes them', async () => {
      expect(await store.livechat.insertBusinessHours(A, hours('h2', 'o1', 1))).toBe(true);
      expect(await store.livechat.insertBusinessHours(A, hours('h1', 'o1', 2))).toBe(true);
      expect(await store.livechat.insertBusinessHours(A, hours('h3', 'o2', 1))).toBe(true);
      expect(await store.livechat.insertBusinessHours(A, hours('h4', 'nowhere'))).toBe(false);
      expect(await store.livechat.getBusinessHours(A, 'o1', 'h1')).toEqual(hours('h1', 'o1', 2));
      expect(await store.livechat.getBusinessHours(A, 'o2', 'h1')).toBeNull();
      expect(await store.livechat.getBusinessHours(B, 'o1', 'h1')).toBeNull();
      expect((await store.livechat.listBusinessHours(A, 'o1')).map((h) => h.id)).toEqual(['h2', 'h1']);
      expect(await store.livechat.listBusinessHours(B, 'o1')).toEqual([]);

      const schedule = { timeZone: 'UTC', weekly: [], holidays: [] };
      expect(await store.livechat.updateBusinessHours(A, 'o1', 'h1', { schedule, updatedAt: at(9) })).toEqual(
        {
          ...hours('h1', 'o1', 2),
          schedule,
          updatedAt: at(9),
        },
      );
      expect(
        await store.livechat.updateBusinessHours(A, 'o1', 'h1', { name: 'Late', updatedAt: at(10) }),
      ).toMatchObject({
        name: 'Late',
        schedule,
      });
      expect(
        await store.livechat.updateBusinessHours(B, 'o1', 'h1', { name: 'X', updatedAt: at(11) }),
      ).toBeNull();
      expect(await store.livechat.deleteBusinessHours(A, 'o2', 'h1')).toBe(false);
      expect(await store.livechat.deleteBusinessHours(A, 'o1', 'h1')).toBe(true);
      expect(await store.livechat.deleteBusinessHours(A, 'o1', 'h1')).toBe(false);
    });

    it('attaches business hours to departments of the same organization only', async () => {
      await store.livechat.insertBusinessHours(A, hours('h1', 'o1', 1));
      await store.livechat.insertBusinessHours(A, hours('h2', 'o1', 2));
      await store.livechat.insertBusinessHours(A, hours('h3', 'o2', 1));
      expect(await store.livechat.attachBusinessHours(A, 'o1', 'd1', 'h2')).toBe(true);
      expect(await store.livechat.attachBusinessHours(A, 'o1', 'd1', 'h1')).toBe(true);
      expect(await store.livechat.attachBusinessHours(A, 'o1', 'd1', 'h1')).toBe(true); // again: no change
      expect(await store.livechat.attachBusinessHours(A, 'o1', 'd1', 'h3')).toBe(false); // other organization's hours
      expect(await store.livechat.attachBusinessHours(A, 'o2', 'd1', 'h3')).toBe(false); // other organization's department
      expect(await store.livechat.attachBusinessHours(B, 'o1', 'd1', 'h1')).toBe(false);
      expect((await store.livechat.listDepartmentBusinessHours(A, 'o1', 'd1')).map((h) => h.id)).toEqual([
        'h1',
        'h2',
      ]);
      expect(await store.livechat.listDepartmentBusinessHours(A, 'o1', 'd2')).toEqual([]);
      expect(await store.livechat.listDepartmentBusinessHours(B, 'o1', 'd1')).toEqual([]);

      expect(await store.livechat.detachBusinessHours(B, 'o1', 'd1', 'h1')).toBe(false);
      expect(await store.livechat.detachBusinessHours(A, 'o1', 'd1', 'h1')).toBe(true);
      expect(await store.livechat.detachBusinessHours(A, 'o1', 'd1', 'h1')).toBe(false);
      expect((await store.livechat.listDepartmentBusinessHours(A, 'o1', 'd1')).map((h) => h.id)).toEqual([
        'h2',
      ]);
    });

    it('deletes attachments with their business hours, department or organization', async () => {
      await store.livechat.insertBusinessHours(A, hours('h1', 'o1'));
      await store.livechat.insertBusinessHours(A, hours('h2', 'o1'));
      await store.livechat.attachBusinessHours(A, 'o1', 'd1', 'h1');
      await store.livechat.attachBusinessHours(A, 'o1', 'd1', 'h2');
      await store.livechat.attachBusinessHours(A, 'o1', 'd2', 'h2');
      await store.livechat.deleteBusinessHours(A, 'o1', 'h1');
      expect((await store.livechat.listDepartmentBusinessHours(A, 'o1', 'd1')).map((h) => h.id)).toEqual([
        'h2',
      ]);
      await store.livechat.deleteDepartment(A, 'o1', 'd1');
      // Re-created under the same id, the department starts with nothing attached.
      await store.livechat.insertDepartment(A, dep('d1', 'o1'));
      expect(await store.livechat.listDepartmentBusinessHours(A, 'o1', 'd1')).toEqual([]);
      expect(await store.livechat.deleteOrganization(A, 'o1')).toBe(true);
      expect(await store.livechat.listDepartmentBusinessHours(A, 'o1', 'd2')).toEqual([]);
      await store.livechat.insertOrganization(A, org('o1'));
      expect(await store.livechat.listBusinessHours(A, 'o1')).toEqual([]);
      expect(await store.livechat.getBusinessHours(B, 'o1', 'h2')).toBeNull();
    });

    it('counts the online agents of an organization or one department', async () => {
      for (const id of ['ann', 'bob', 'cid', 'dan']) await store.insertUser(A, user(id, id));
      await store.insertUser(B, user('ann', 'ann'));
      const agent = (userId: string, organizationId: string, status: 'online' | 'away' | 'offline') =>
        store.livechat.insertAgent(A, {
          userId,
          organizationId,
          role: 'agent',
          maxChats: 5,
          status,
          createdAt: at(0),
          updatedAt: at(0),
        });
      await agent('ann', 'o1', 'online');
      await agent('bob', 'o1', 'online');
      await agent('cid', 'o1', 'away');
      await agent('dan', 'o2', 'online');
      await store.livechat.insertAgent(B, {
        userId: 'ann',
        organizationId: 'o1',
        role: 'agent',
        maxChats: 5,
        status: 'online',
        createdAt: at(0),
        updatedAt: at(0),
      });
      await store.livechat.addDepartmentMember(A, 'o1', 'd1', 'ann');
      await store.livechat.addDepartmentMember(A, 'o1', 'd1', 'cid');
      expect(await store.livechat.countOnlineAgents(A, 'o1')).toBe(2);
      expect(await store.livechat.countOnlineAgents(A, 'o1', 'd1')).toBe(1);
      expect(await store.livechat.countOnlineAgents(A, 'o1', 'd2')).toBe(0);
      expect(await store.livechat.countOnlineAgents(A, 'o2')).toBe(1);
      expect(await store.livechat.countOnlineAgents(B, 'o1')).toBe(1);
      expect(await store.livechat.countOnlineAgents(A, 'nowhere')).toBe(0);
      await store.livechat.updateAgent(A, 'o1', 'cid', { status: 'online', updatedAt: at(1) });
      expect(await store.livechat.countOnlineAgents(A, 'o1', 'd1')).toBe(2);
    });

    it('keeps one widget key per organization until rotated, found across tenants', async () => {
      expect(await store.livechat.getWidget(A, 'o1')).toBeNull();
      expect(await store.livechat.ensureWidget(A, 'nowhere', 'wk_none')).toBeNull();
      expect(await store.livechat.findWidgetKey('wk_none')).toBeNull();
      const created = { organizationId: 'o1', widgetKey: 'wk_a1', settings: null, updatedAt: null };
      expect(await store.livechat.ensureWidget(A, 'o1', 'wk_a1')).toEqual(created);
      // An existing key is kept: concurrent first reads agree.
      expect(await store.livechat.ensureWidget(A, 'o1', 'wk_other')).toEqual(created);
      expect(await store.livechat.getWidget(A, 'o1')).toEqual(created);
      expect(await store.livechat.getWidget(B, 'o1')).toBeNull();
      expect(await store.livechat.ensureWidget(B, 'o1', 'wk_b1')).toMatchObject({ widgetKey: 'wk_b1' });
      expect(await store.livechat.findWidgetKey('wk_a1')).toEqual({ tenantId: A, organizationId: 'o1' });
      expect(await store.livechat.findWidgetKey('wk_b1')).toEqual({ tenantId: B, organizationId: 'o1' });

      expect(await store.livechat.rotateWidgetKey(A, 'o1', 'wk_a2')).toEqual({
        ...created,
        widgetKey: 'wk_a2',
      });
      expect(await store.livechat.findWidgetKey('wk_a1')).toBeNull();
      expect(await store.livechat.findWidgetKey('wk_a2')).toEqual({ tenantId: A, organizationId: 'o1' });
      expect(await store.livechat.rotateWidgetKey(A, 'nowhere', 'wk_x')).toBeNull();
      // Rotating before any read creates the row.
      expect(await store.livechat.rotateWidgetKey(A, 'o2', 'wk_o2')).toMatchObject({
        widgetKey: 'wk_o2',
        settings: null,
      });
    });

    it('saves widget settings, keeping the key, and deletes the widget with its organization', async () => {
      expect(await store.livechat.saveWidgetSettings(A, 'nowhere', settings('X'), 'wk_x', at(1))).toBeNull();
      expect(await store.livechat.saveWidgetSettings(A, 'o1', settings('Hello'), 'wk_a1', at(1))).toEqual({
        organizationId: 'o1',
        widgetKey: 'wk_a1',
        settings: settings('Hello'),
        updatedAt: at(1),
      });
      expect(
        await store.livechat.saveWidgetSettings(A, 'o1', settings('Again'), 'wk_ignored', at(2)),
      ).toEqual({
        organizationId: 'o1',
        widgetKey: 'wk_a1',
        settings: settings('Again'),
        updatedAt: at(2),
      });
      expect(await store.livechat.rotateWidgetKey(A, 'o1', 'wk_a2')).toMatchObject({
        settings: settings('Again'),
      });
      expect(await store.livechat.getWidget(B, 'o1')).toBeNull();
      await store.livechat.deleteOrganization(A, 'o1');
      expect(await store.livechat.findWidgetKey('wk_a2')).toBeNull();
      await store.livechat.insertOrganization(A, org('o1'));
      expect(await store.livechat.getWidget(A, 'o1')).toBeNull();
    });

    it('stores department overrides, deleted with their department or organization', async () => {
      expect(await store.livechat.getDepartmentWidget(A, 'o1', 'd1')).toBeNull();
      expect(await store.livechat.saveDepartmentWidget(A, 'o2', 'd1', { title: 'X' }, at(1))).toBe(false);
      expect(await store.livechat.saveDepartmentWidget(B, 'o1', 'd1', { title: 'X' }, at(1))).toBe(false);
      expect(await store.livechat.saveDepartmentWidget(A, 'o1', 'd1', { title: 'Sales' }, at(1))).toBe(true);
      const full = { welcomeMessages: [], offlineForm: { enabled: true, email: 'a@b.example' } };
      expect(await store.livechat.saveDepartmentWidget(A, 'o1', 'd2', full, at(2))).toBe(true);
      expect(await store.livechat.getDepartmentWidget(A, 'o1', 'd1')).toEqual({
        departmentId: 'd1',
        override: { title: 'Sales' },
        updatedAt: at(1),
      });
      expect(await store.livechat.getDepartmentWidget(A, 'o1', 'd2')).toMatchObject({ override: full });
      expect(await store.livechat.getDepartmentWidget(B, 'o1', 'd1')).toBeNull();
      expect(await store.livechat.saveDepartmentWidget(A, 'o1', 'd1', {}, at(3))).toBe(true);
      expect(await store.livechat.getDepartmentWidget(A, 'o1', 'd1')).toEqual({
        departmentId: 'd1',
        override: {},
        updatedAt: at(3),
      });
      expect(await store.livechat.deleteDepartmentWidget(B, 'o1', 'd1')).toBe(false);
      expect(await store.livechat.deleteDepartmentWidget(A, 'o1', 'd1')).toBe(true);
      expect(await store.livechat.deleteDepartmentWidget(A, 'o1', 'd1')).toBe(false);

      await store.livechat.saveDepartmentWidget(A, 'o1', 'd1', { title: 'Again' }, at(4));
      await store.livechat.deleteDepartment(A, 'o1', 'd1');
      await store.livechat.insertDepartment(A, dep('d1', 'o1'));
      expect(await store.livechat.getDepartmentWidget(A, 'o1', 'd1')).toBeNull();
      await store.livechat.deleteOrganization(A, 'o1');
      expect(await store.livechat.getDepartmentWidget(A, 'o1', 'd2')).toBeNull();
    });

    it('returns fresh objects the caller may keep', async () => {
      await store.livechat.insertBusinessHours(A, hours('h1', 'o1'));
      const got = await store.livechat.getBusinessHours(A, 'o1', 'h1');
      got!.schedule.weekly.push({ day: 2, open: '10:00', close: '11:00' });
      expect(await store.livechat.getBusinessHours(A, 'o1', 'h1')).toEqual(hours('h1', 'o1'));
      const saved = await store.livechat.saveWidgetSettings(A, 'o1', settings('T'), 'wk_1', at(1));
      saved!.settings!.allowedOrigins.push('https://evil.example');
      expect((await store.livechat.getWidget(A, 'o1'))?.settings).toEqual(settings('T'));
    });
  });
}
