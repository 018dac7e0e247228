// Reports through the API, on a clock the test drives: figures, per day and hour, per agent, CSV.
import { describe, expect, it } from 'vitest';
import type { Report } from '@parley/protocol';
import { expectError, sendMessage, testClock, useTestServer } from './support/fixtures.js';
import {
  conversationAction,
  createAgent,
  createDepartment,
  createWidget,
  fromSite,
  manyVisitorRequests,
  visitorWithConversation,
} from './support/livechat.js';

// Monday 23 November 2026, 10:00 UTC (11:00 in Paris).
const clock = testClock(Date.parse('2026-11-23T10:00:00.000Z'));
const ts = useTestServer(
  (c) => {
    manyVisitorRequests(c);
    c.livechat.answerTimeoutSeconds = 0;
  },
  { clock },
);

describe('reports', () => {
  it('measures first response, resolution and satisfaction, per day, hour, agent and department', async () => {
    const widget = await createWidget(ts.api);
    const sales = await createDepartment(ts.api, widget, 'Sales');
    const agent = await createAgent(ts.api, widget, { departmentIds: [sales.id] });
    const first = await visitorWithConversation(ts.api, widget, {
      departmentId: sales.id,
      answers: { name: 'Ann' },
    });
    expect(first.conversation.agentId).toBe(agent.id);
    clock.advance(30_000);
    await sendMessage(ts.api, { id: agent.id, token: agent.token }, first.conversation.id, 'Hello!');
    clock.advance(270_000);
    expect((await conversationAction(ts.api, widget, first.conversation.id, 'resolve')).status).toBe(200);
    const rated = await fromSite(
      ts.api,
      'POST',
      `/v1/widget/${widget.key}/conversations/${first.conversation.id}/rating`,
      {
        token: first.visitor.accessToken,
        body: { score: 4, comment: '=HYPERLINK("http://evil")' },
      },
    );
    expect(rated.status).toBe(200);
    clock.advance(3_600_000);
    const second = await visitorWithConversation(ts.api, widget);

    const query = 'from=2026-11-23T00:00:00Z&to=2026-11-25T00:00:00Z&timeZone=Europe/Paris';
    const res = await ts.api<Report>('GET', `/v1/organizations/${widget.org.id}/reports?${query}`, {
      auth: agent.token,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const report = res.body;
    expect(report.totals).toMatchObject({
      conversations: 2,
      resolved: 1,
      firstResponse: { count: 1, median: 30 },
      resolution: { count: 1, median: 300 },
      satisfaction: { count: 1, average: 4, distribution: [0, 0, 0, 1, 0] },
    });
    // The period spans 2026-11-23 01:00 to 2026-11-25 01:00 in Paris: three local dates.
    expect(report.perDay).toEqual([
      { date: '2026-11-23', conversations: 2, resolved: 1 },
      { date: '2026-11-24', conversations: 0, resolved: 0 },
      { date: '2026-11-25', conversations: 0, resolved: 0 },
    ]);
    expect(report.busiestHours[0]![11]).toBe(1);
    expect(report.busiestHours[0]![12]).toBe(1);
    expect(report.busiestHours.flat().reduce((a, b) => a + b, 0)).toBe(2);
    expect(report.perAgent).toEqual([
      expect.objectContaining({ agentId: agent.id, conversations: 2, resolved: 1 }),
    ]);
    expect(report.perDepartment).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ departmentId: sales.id, name: 'Sales', conversations: 1 }),
        expect.objectContaining({ departmentId: null, conversations: 1 }),
      ]),
    );
    // Filtered to the department.
    const sale = await ts.api<Report>(
      'GET',
      `/v1/organizations/${widget.org.id}/reports?${query}&departmentId=${sales.id}`,
    );
    expect(sale.body.totals.conversations).toBe(1);

    const csv = await ts.api<string>(
      'GET',
      `/v1/organizations/${widget.org.id}/reports/conversations.csv?${query}`,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,created_at,status,source,department_id,agent_id,first_response_seconds,resolution_seconds,rating,rating_comment,labels',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`${first.conversation.id},`);
    expect(lines[1]).toContain(',30,');
    expect(lines[1]).toContain(`,4,"'=HYPERLINK(""http://evil"")",`);
    expect(lines[2]).toContain(second.conversation.id);
  });

  it('refuses bad periods and time zones, and other organizations', async () => {
    const widget = await createWidget(ts.api);
    const base = `/v1/organizations/${widget.org.id}/reports`;
    expectError(
      await ts.api('GET', `${base}?from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z`),
      400,
      'invalid_request',
    );
    expectError(
      await ts.api('GET', `${base}?from=2025-01-01T00:00:00Z&to=2026-11-22T00:00:00Z`),
      400,
      'invalid_request',
    );
    expectError(
      await ts.api('GET', `${base}?from=2026-11-20T00:00:00Z&to=2026-11-22T00:00:00Z&timeZone=Mars/Olympus`),
      400,
      'invalid_request',
    );
    const other = await createWidget(ts.api);
    const outsider = await createAgent(ts.api, other);
    expectError(
      await ts.api('GET', `${base}?from=2026-11-20T00:00:00Z&to=2026-11-22T00:00:00Z`, {
        auth: outsider.token,
      }),
      404,
      'organization_not_found',
    );
  });
});
