/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Agent, Department, Report } from '@parley/protocol';
import type { AppModel, SignedIn } from '../app-model.js';
import { formatSeconds, type AdminStrings } from '../i18n-admin.js';
import { Header, HelpOverlay, ReconnectingBanner } from './header.js';
import {
  AdminApi,
  adminStrings,
  canSeeReports,
  errorText,
  inputValue,
  scrollRegion,
  useInboxKeysOff,
  useLoad,
  type ReportFilters,
} from './admin/common.js';
import type { DrawnChart } from './reports-chart.js';

type Period = '7' | '30' | 'custom';
type Figures = Report['totals'];

const DAY = 86_400_000;

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** `YYYY-MM-DD` of a local date. */
function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The period as instants: whole local days, today included. */
function periodRange(period: Period, from: string, to: string): { from: Date; to: Date } | null {
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  if (period !== 'custom') {
    const end = new Date(today);
    end.setDate(end.getDate() + 1);
    const start = new Date(end);
    start.setDate(start.getDate() - Number(period));
    return { from: start, to: end };
  }
  const start = new Date(`${from}T00:00`);
  const end = new Date(`${to}T00:00`);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return null;
  end.setDate(end.getDate() + 1);
  if (end <= start || end.getTime() - start.getTime() > 366 * DAY) return null;
  return { from: start, to: end };
}

/** `#/reports`: the organization's figures over a period, with charts and a CSV export. */
export function ReportsScreen({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  const t = adminStrings(model);
  const api = useMemo(() => new AdminApi(s), [s]);
  const timeZone = useMemo(browserTimeZone, []);
  useInboxKeysOff();
  const [period, setPeriod] = useState<Period>('7');
  const [customFrom, setCustomFrom] = useState(() => localDate(new Date(Date.now() - 13 * DAY)));
  const [customTo, setCustomTo] = useState(() => localDate(new Date()));
  const [departmentId, setDepartmentId] = useState('');
  const [agentId, setAgentId] = useState('');
  const departments = useLoad(() => api.departments().catch((): Department[] => []));
  const agents = useLoad(() => api.agents().catch((): Agent[] => []));
  const range = periodRange(period, customFrom, customTo);
  const filters: ReportFilters | null = range && {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    timeZone,
    departmentId: departmentId || undefined,
    agentId: agentId || undefined,
  };
  const key = JSON.stringify(filters);
  const report = useLoad(async () => (filters ? api.report(filters) : null), [key]);
  const [exportError, setExportError] = useState<string | null>(null);

  const exportCsv = async () => {
    if (!filters) return;
    setExportError(null);
    try {
      const blob = await api.reportCsv(filters);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `parley-conversations-${localDate(range!.from)}-${localDate(new Date(range!.to.getTime() - 1))}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setExportError(errorText(t, err));
    }
  };

  const select = (
    id: string,
    label: string,
    value: string,
    onChange: (v: string) => void,
    options: [string, string][],
  ) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h(
        'select',
        { id, value, onChange: (e: Event) => onChange(inputValue(e)) },
        options.map(([v, text]) => h('option', { key: v, value: v }, text)),
      ),
    );

  const body = !canSeeReports(s.account)
    ? h('p', { class: 'alert error', role: 'alert' }, t.notAllowed)
    : [
        h(
          'form',
          { class: 'report-filters admin-card', onSubmit: (e: Event) => e.preventDefault(), key: 'filters' },
          select('r-period', t.period, period, (v) => setPeriod(v as Period), [
            ['7', t.last7],
            ['30', t.last30],
            ['custom', t.custom],
          ]),
          period === 'custom' &&
            h(
              'div',
              { class: 'field' },
              h('label', { for: 'r-from' }, t.from),
              h('input', {
                id: 'r-from',
                type: 'date',
                value: customFrom,
                onChange: (e: Event) => setCustomFrom(inputValue(e)),
              }),
            ),
          period === 'custom' &&
            h(
              'div',
              { class: 'field' },
              h('label', { for: 'r-to' }, t.to),
              h('input', {
                id: 'r-to',
                type: 'date',
                value: customTo,
                onChange: (e: Event) => setCustomTo(inputValue(e)),
              }),
            ),
          select('r-department', t.department, departmentId, setDepartmentId, [
            ['', t.allDepartments],
            ...(departments.data ?? []).map((d): [string, string] => [d.id, d.name]),
          ]),
          select('r-agent', t.agent, agentId, setAgentId, [
            ['', t.allAgents],
            ...(agents.data ?? []).map((a): [string, string] => [a.userId, a.displayName]),
          ]),
          h(
            'div',
            { class: 'field export' },
            h(
              'button',
              { type: 'button', class: 'primary', disabled: !filters, onClick: () => void exportCsv() },
              t.exportCsv,
            ),
          ),
          h('p', { class: 'hint tz' }, t.timeZoneNote(timeZone)),
        ),
        !filters && h('p', { class: 'alert error', role: 'alert', key: 'bad' }, t.badPeriod),
        exportError && h('p', { class: 'alert error', role: 'alert', key: 'export' }, exportError),
        report.error
          ? h(
              'p',
              { class: 'alert error', role: 'alert', key: 'error' },
              errorText(t, report.error),
              ' ',
              h('button', { type: 'button', class: 'link', onClick: report.reload }, t.retry),
            )
          : report.data
            ? h(ReportView, { t, report: report.data, key: 'report' })
            : filters && h('p', { class: 'muted', role: 'status', key: 'loading' }, t.loading),
      ];

  return h(
    'div',
    { class: 'shell' },
    h(Header, { model, s }),
    h(ReconnectingBanner, { model, s }),
    h('main', { class: 'reports' }, h('h1', { class: 'admin-title' }, t.reportsTitle), body),
    model.helpOpen && h(HelpOverlay, { model }),
  );
}

function ReportView({ t, report }: { t: AdminStrings; report: Report }): ComponentChild {
  const totals = report.totals;
  return h(
    'div',
    { class: 'report', 'aria-live': 'polite' },
    h(
      'div',
      { class: 'tiles' },
      h(Tile, {
        label: t.totalConversations,
        value: String(totals.conversations),
        testid: 'total-conversations',
      }),
      h(Tile, { label: t.totalResolved, value: String(totals.resolved), testid: 'total-resolved' }),
      h(Tile, {
        label: t.firstResponse,
        value: formatSeconds(totals.firstResponse.median, t),
        sub: `${t.p90}: ${formatSeconds(totals.firstResponse.p90, t)}`,
        testid: 'first-response',
        note: t.median,
      }),
      h(Tile, {
        label: t.resolution,
        value: formatSeconds(totals.resolution.median, t),
        sub: `${t.p90}: ${formatSeconds(totals.resolution.p90, t)}`,
        testid: 'resolution',
        note: t.median,
      }),
      h(SatisfactionTile, { t, satisfaction: totals.satisfaction }),
    ),
    h(
      'section',
      { class: 'admin-card', 'aria-labelledby': 'per-day-title' },
      h('h2', { id: 'per-day-title' }, t.perDay),
      h(PerDayChartBox, { t, report }),
    ),
    h(
      'section',
      { class: 'admin-card', 'aria-labelledby': 'hours-title' },
      h('h2', { id: 'hours-title' }, t.busiestHours),
      h(HeatMap, { t, cells: report.busiestHours }),
    ),
    h(
      'section',
      { class: 'admin-card', 'aria-labelledby': 'per-agent-title' },
      h('h2', { id: 'per-agent-title' }, t.perAgent),
      h(FiguresTable, {
        t,
        head: t.agent,
        rows: report.perAgent.map((r) => ({ key: r.agentId, name: r.displayName, figures: r })),
      }),
    ),
    h(
      'section',
      { class: 'admin-card', 'aria-labelledby': 'per-dep-title' },
      h('h2', { id: 'per-dep-title' }, t.perDepartment),
      h(FiguresTable, {
        t,
        head: t.department,
        rows: report.perDepartment.map((r) => ({
          key: r.departmentId ?? '-',
          name: r.departmentId ? r.name : t.noDepartment,
          figures: r,
        })),
      }),
    ),
  );
}

function Tile({
  label,
  value,
  sub,
  note,
  testid,
}: {
  label: string;
  value: string;
  sub?: string;
  note?: string;
  testid: string;
}): ComponentChild {
  return h(
    'div',
    { class: 'tile', 'data-testid': testid },
    h('div', { class: 'tile-label' }, label, note && h('span', { class: 'tile-note' }, ` (${note})`)),
    h('div', { class: 'tile-value' }, value),
    sub && h('div', { class: 'tile-sub' }, sub),
  );
}

function SatisfactionTile({ t, satisfaction }: { t: AdminStrings; satisfaction: Figures['satisfaction'] }) {
  const max = Math.max(1, ...satisfaction.distribution);
  return h(
    'div',
    { class: 'tile', 'data-testid': 'satisfaction' },
    h('div', { class: 'tile-label' }, t.satisfaction),
    h(
      'div',
      { class: 'tile-value' },
      satisfaction.average === null ? t.noData : `${satisfaction.average.toFixed(1)} / 5`,
    ),
    h('div', { class: 'tile-sub' }, t.ratings(satisfaction.count)),
    h(
      'ul',
      { class: 'distribution' },
      satisfaction.distribution
        .map((n, i) =>
          h(
            'li',
            { key: i },
            h('span', { class: 'dist-label', 'aria-label': t.stars(i + 1) }, `${i + 1}★`),
            h('span', { class: 'dist-bar' }, h('span', { style: { width: `${(n / max) * 100}%` } })),
            h('span', { class: 'dist-count' }, String(n)),
          ),
        )
        .reverse(),
    ),
  );
}

/** uPlot, imported on first use: the chunk is fetched only when this screen draws a chart. */
function PerDayChartBox({ t, report }: { t: AdminStrings; report: Report }): ComponentChild {
  const ref = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'drawn' | 'failed'>('loading');
  useEffect(() => {
    let chart: DrawnChart | null = null;
    let live = true;
    import('./reports-chart.js').then(
      ({ drawPerDay }) => {
        if (!live || !ref.current) return;
        ref.current.textContent = '';
        chart = drawPerDay(ref.current, {
          labels: report.perDay.map((d) => d.date),
          conversations: report.perDay.map((d) => d.conversations),
          resolved: report.perDay.map((d) => d.resolved),
          names: { day: t.day, conversations: t.totalConversations, resolved: t.resolvedSeries },
        });
        setState('drawn');
      },
      () => live && setState('failed'),
    );
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [report, t]);
  const total = report.perDay.reduce((sum, d) => sum + d.conversations, 0);
  return h(
    'figure',
    { class: 'chart' },
    h('div', {
      ref,
      class: 'chart-box',
      role: 'img',
      'aria-label': t.perDayChart(total, report.perDay.length),
      'data-testid': 'per-day-chart',
    }),
    state !== 'drawn' &&
      h(
        'p',
        { class: state === 'failed' ? 'alert error' : 'muted' },
        state === 'failed' ? t.chartFailed : t.chartLoading,
      ),
  );
}

/** Light to dark blue; the count's colour flips to stay readable. */
function heat(value: number, max: number): { background: string; color: string } {
  const f = max > 0 ? value / max : 0;
  const mix = (a: number, b: number) => Math.round(a + (b - a) * f);
  const background = value === 0 ? '#f6f7f9' : `rgb(${mix(226, 20)}, ${mix(235, 70)}, ${mix(250, 160)})`;
  return { background, color: f > 0.45 ? '#ffffff' : '#1c2330' };
}

function HeatMap({ t, cells }: { t: AdminStrings; cells: number[][] }): ComponentChild {
  const max = Math.max(0, ...cells.flat());
  return h(
    'div',
    scrollRegion(t.busiestHours),
    h(
      'table',
      { class: 'heatmap', 'data-testid': 'heatmap' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, h('span', { class: 'sr' }, t.hour)),
          Array.from({ length: 24 }, (_, hour) => h('th', { scope: 'col', key: hour }, String(hour))),
        ),
      ),
      h(
        'tbody',
        null,
        t.weekdays.map((day, d) =>
          h(
            'tr',
            { key: day },
            h('th', { scope: 'row' }, day),
            Array.from({ length: 24 }, (_, hour) => {
              const value = cells[d]?.[hour] ?? 0;
              return h(
                'td',
                { key: hour, style: heat(value, max), title: `${day} ${hour}:00 — ${value}` },
                value ? String(value) : '',
              );
            }),
          ),
        ),
      ),
    ),
  );
}

function FiguresTable({
  t,
  head,
  rows,
}: {
  t: AdminStrings;
  head: string;
  rows: { key: string; name: string; figures: Figures }[];
}): ComponentChild {
  if (rows.length === 0) return h('p', { class: 'muted' }, t.none);
  return h(
    'div',
    scrollRegion(head),
    h(
      'table',
      { class: 'admin-table figures' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, head),
          h('th', { scope: 'col' }, t.totalConversations),
          h('th', { scope: 'col' }, t.totalResolved),
          h('th', { scope: 'col' }, `${t.firstResponse} (${t.median})`),
          h('th', { scope: 'col' }, `${t.firstResponse} (${t.p90})`),
          h('th', { scope: 'col' }, `${t.resolution} (${t.median})`),
          h('th', { scope: 'col' }, `${t.resolution} (${t.p90})`),
          h('th', { scope: 'col' }, t.satisfaction),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map(({ key, name, figures: f }) =>
          h(
            'tr',
            { key },
            h('th', { scope: 'row' }, name),
            h('td', null, String(f.conversations)),
            h('td', null, String(f.resolved)),
            h('td', null, formatSeconds(f.firstResponse.median, t)),
            h('td', null, formatSeconds(f.firstResponse.p90, t)),
            h('td', null, formatSeconds(f.resolution.median, t)),
            h('td', null, formatSeconds(f.resolution.p90, t)),
            h('td', null, f.satisfaction.average === null ? t.noData : f.satisfaction.average.toFixed(1)),
          ),
        ),
      ),
    ),
  );
}
