import type { Report, ReportQuery } from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import type { ConversationRecord } from '../ports/conversation-store.js';
import { AppError } from '../errors.js';
import { accessOrganization } from '../access.js';
import { calendarOf, datesBetween, figures, groupBy } from './report-figures.js';

/** A report reads at most this many conversations: past it, narrow the period. */
const MAX_CONVERSATIONS = 100_000;
const MAX_PERIOD_MS = 366 * 86_400_000;

/**
 * Reports over an organization's conversations (any agent of it may read
 * them): totals, per day, busiest hours, per agent and per department, and
 * the same conversations as CSV for a spreadsheet.
 */
export class Reports {
  constructor(private readonly deps: CoreDeps) {}

  async report(actor: Actor, organizationId: string, query: ReportQuery): Promise<Report> {
    const { rows, timeZone, from, to } = await this.rows(actor, organizationId, query);
    const calendar = calendarOf(timeZone);
    const local = rows.map((r) => ({ row: r, at: calendar(r.createdAt) }));
    const perDay = datesBetween(
      calendar(from).date,
      calendar(new Date(Date.parse(to) - 1).toISOString()).date,
    ).map((date) => {
      const day = local.filter((l) => l.at.date === date).map((l) => l.row);
      return { date, conversations: day.length, resolved: day.filter((r) => r.status === 'resolved').length };
    });
    const busiestHours = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    for (const { at } of local) busiestHours[at.weekday]![at.hour]!++;
    const { store } = this.deps;
    const agents = new Map(
      (await store.livechat.listAgents(actor.tenantId, organizationId, { limit: 1000 })).map((a) => [
        a.userId,
        a,
      ]),
    );
    const departments = new Map(
      (await store.livechat.listDepartments(actor.tenantId, organizationId)).map((d) => [d.id, d.name]),
    );
    return {
      from,
      to,
      timeZone,
      totals: figures(rows),
      perDay,
      busiestHours,
      perAgent: [
        ...groupBy(
          rows.filter((r) => r.agentId !== null),
          (r) => r.agentId!,
        ),
      ].map(([agentId, group]) => ({
        agentId,
        displayName: agents.get(agentId)?.displayName ?? agentId,
        ...figures(group),
      })),
      perDepartment: [...groupBy(rows, (r) => r.departmentId)].map(([departmentId, group]) => ({
        departmentId,
        name: departmentId === null ? '' : (departments.get(departmentId) ?? departmentId),
        ...figures(group),
      })),
    };
  }

  /** One line per conversation, for spreadsheets: quoted as needed, formulas defused. */
  async csv(actor: Actor, organizationId: string, query: ReportQuery): Promise<string> {
    const { rows } = await this.rows(actor, organizationId, query);
    const seconds = (from: string, to: string | null) =>
      to === null ? '' : String(Math.round((Date.parse(to) - Date.parse(from)) / 1000));
    const lines = [
      [
        'id',
        'created_at',
        'status',
        'source',
        'department_id',
        'agent_id',
        'first_response_seconds',
        'resolution_seconds',
        'rating',
        'rating_comment',
        'labels',
      ],
      ...rows.map((c) => [
        c.id,
        c.createdAt,
        c.status,
        c.source,
        c.departmentId ?? '',
        c.agentId ?? '',
        seconds(c.createdAt, c.firstResponseAt),
        c.status === 'resolved' ? seconds(c.createdAt, c.resolvedAt) : '',
        c.rating ? String(c.rating.score) : '',
        c.rating?.comment ?? '',
        c.labels.join(' '),
      ]),
    ];
    return lines.map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
  }

  private async rows(
    actor: Actor,
    organizationId: string,
    query: ReportQuery,
  ): Promise<{ rows: ConversationRecord[]; timeZone: string; from: string; to: string }> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    const fromMs = Date.parse(query.from);
    const toMs = Date.parse(query.to);
    if (!(toMs > fromMs)) throw new AppError('invalid_request', 'to must be after from.', { field: 'to' });
    if (toMs - fromMs > MAX_PERIOD_MS)
      throw new AppError('invalid_request', 'A report covers at most 366 days.', { field: 'to' });
    const timeZone = query.timeZone ?? 'UTC';
    calendarOf(timeZone);
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const all = await this.deps.store.livechat.conversationsCreatedBetween(
      actor.tenantId,
      organizationId,
      from,
      to,
      MAX_CONVERSATIONS + 1,
    );
    if (all.length > MAX_CONVERSATIONS)
      throw new AppError(
        'invalid_request',
        `More than ${MAX_CONVERSATIONS} conversations: narrow the period.`,
      );
    const rows = all.filter(
      (c) =>
        (query.departmentId === undefined || c.departmentId === query.departmentId) &&
        (query.agentId === undefined || c.agentId === query.agentId),
    );
    return { rows, timeZone, from, to };
  }
}

/**
 * A CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
 * A field starting with = + - @ (or a tab or CR) is prefixed with an
 * apostrophe, so a spreadsheet never runs what a visitor typed as a formula.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
