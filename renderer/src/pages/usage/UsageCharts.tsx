/**
 * The Usage page's charts (recharts): GPU minutes per day, and the most GPU time per user, server and workflow.
 * Colours are the theme's tokens (SVG fills read CSS variables), so the charts follow light and dark.
 */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { UsageReport } from '@shared/api/usage';
import { formatDuration } from '@shared/embeds';

const minutes = (ms: number): number => Math.round((ms / 60_000) * 10) / 10;
const AXIS = { fill: 'var(--color-fg-muted)', fontSize: 12 };
const TOOLTIP = {
  contentStyle: { background: 'var(--color-surface-raised)', border: '1px solid var(--color-border)' },
  labelStyle: { color: 'var(--color-fg)' },
  itemStyle: { color: 'var(--color-fg)' },
  cursor: { fill: 'var(--color-surface-hover)' },
};

interface Row {
  name: string;
  minutes: number;
  jobs: number;
  failed: number;
}

const tooltipValue = (value: unknown, _name: unknown, item: { payload?: Row }) => {
  const row = item.payload;
  const gpu = formatDuration(Number(value) * 60_000);
  return [row ? `${gpu} · ${row.jobs} jobs${row.failed ? ` · ${row.failed} failed` : ''}` : gpu, 'GPU time'];
};

/** GPU minutes per day of the period (days without jobs too). */
export function DayChart({ report }: { report: UsageReport }) {
  const rows: Row[] = report.byDay.map((d) => ({
    name: d.day.slice(5),
    minutes: minutes(d.gpuMs),
    jobs: d.jobs,
    failed: d.failed,
  }));
  return (
    <figure className="usage-chart" data-testid="usage-by-day" aria-label="GPU minutes per day">
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="var(--color-border)" vertical={false} />
          <XAxis dataKey="name" tick={AXIS} stroke="var(--color-border)" />
          <YAxis tick={AXIS} stroke="var(--color-border)" allowDecimals={false} unit=" m" />
          <Tooltip {...TOOLTIP} formatter={tooltipValue} />
          <Bar dataKey="minutes" fill="var(--color-accent)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** The most GPU time by user, server or workflow, as horizontal bars (at most ten). */
export function TopChart({ title, rows, testId }: { title: string; rows: Row[]; testId: string }) {
  const top = rows.slice(0, 10);
  return (
    <figure className="usage-chart" data-testid={testId} aria-label={title}>
      <figcaption>{title}</figcaption>
      {top.length === 0 ? (
        <p className="muted">Nothing ran in this period.</p>
      ) : (
        <ResponsiveContainer width="100%" height={40 + top.length * 28}>
          <BarChart data={top} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
            <XAxis type="number" tick={AXIS} stroke="var(--color-border)" unit=" m" />
            <YAxis type="category" dataKey="name" tick={AXIS} width={120} stroke="var(--color-border)" />
            <Tooltip {...TOOLTIP} formatter={tooltipValue} />
            <Bar dataKey="minutes" fill="var(--color-accent)" radius={[0, 3, 3, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
      <ul className="sr-only" data-testid={`${testId}-rows`}>
        {top.map((r) => (
          <li key={r.name}>
            {r.name}: {formatDuration(r.minutes * 60_000)}, {r.jobs} jobs
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** Rows for TopChart from the report's lists. */
export function rowsOf(report: UsageReport, by: 'user' | 'guild' | 'workflow'): Row[] {
  const list =
    by === 'user'
      ? report.byUser.map((r) => ({ ...r, name: r.userName }))
      : by === 'guild'
        ? report.byGuild.map((r) => ({ ...r, name: r.name }))
        : report.byWorkflow.map((r) => ({ ...r, name: r.workflow }));
  return list.map((r) => ({ name: r.name, minutes: minutes(r.gpuMs), jobs: r.jobs, failed: r.failed }));
}
