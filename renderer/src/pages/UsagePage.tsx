/**
 * Usage: GPU time (ComfyUI's execution time, failed and interrupted runs too) per day, user, server and workflow
 * over the last days, narrowed to one server or one person; and the owner on Discord (OwnerCard).
 */
import { useEffect, useState } from 'react';
import { Gauge } from 'lucide-react';
import type { UsageReport } from '@shared/api/usage';
import { formatDuration } from '@shared/embeds';
import { api } from '../api/client';
import { EmptyState } from '../components/ui/EmptyState';
import { Select } from '../components/ui/Select';
import { errorMessage } from '../lib/format';
import { DayChart, rowsOf, TopChart } from './usage/UsageCharts';
import { OwnerCard } from './usage/OwnerCard';
import { SharingSettings } from './usage/SharingSettings';
import '../styles/usage.css';

const PERIODS = [
  { value: '7', label: 'Last 7 days' },
  { value: '14', label: 'Last 14 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
];

export function UsagePage() {
  const [days, setDays] = useState('14');
  const [guildId, setGuildId] = useState('');
  const [userId, setUserId] = useState('');
  const [report, setReport] = useState<UsageReport | null>(null);
  const [everyone, setEveryone] = useState<UsageReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const load = async () => {
      try {
        const base = { days: Number(days) };
        const narrowed = { ...base, ...(guildId ? { guildId } : {}), ...(userId ? { userId } : {}) };
        const [r, all] = await Promise.all([api.call('usage.report', narrowed), api.call('usage.report', base)]);
        if (!live) return;
        setReport(r);
        setEveryone(all);
        setError(null);
      } catch (err) {
        if (live) setError(errorMessage(err));
      }
    };
    void load();
    // A finished job changes the numbers.
    const off = api.on('job.changed', (job) => {
      if (job.status === 'done' || job.status === 'failed' || job.status === 'cancelled') void load();
    });
    return () => {
      live = false;
      off();
    };
  }, [days, guildId, userId]);

  const guilds = [
    { value: '', label: 'Every server' },
    ...(everyone?.byGuild ?? []).filter((g) => g.guildId !== null).map((g) => ({ value: g.guildId!, label: g.name })),
  ];
  const users = [
    { value: '', label: 'Everyone' },
    ...(everyone?.byUser ?? []).map((u) => ({ value: u.userId, label: u.userName })),
  ];

  return (
    <section className="page" aria-labelledby="usage-title">
      <header className="page-header">
        <h1 id="usage-title">Usage</h1>
      </header>
      <div className="card">
        <div className="card-header">
          <h2>GPU time</h2>
          {report && (
            <span className="muted" data-testid="usage-totals">
              {formatDuration(report.totals.gpuMs)} · {report.totals.jobs} jobs · {report.totals.failed} failed
            </span>
          )}
          <div className="spacer" />
          <div className="usage-filters">
            <div className="filter-control">
              <Select aria-label="Period" value={days} options={PERIODS} onValueChange={setDays} />
            </div>
            <div className="filter-control">
              <Select aria-label="Server" value={guildId} options={guilds} onValueChange={setGuildId} />
            </div>
            <div className="filter-control">
              <Select aria-label="Person" value={userId} options={users} onValueChange={setUserId} />
            </div>
          </div>
        </div>
        {error && (
          <p className="banner error" role="alert">
            {error}
          </p>
        )}
        {report && report.totals.jobs === 0 ? (
          <EmptyState icon={Gauge} compact>
            Nothing ran in this period. GPU time shows here once jobs finish, fail or are stopped.
          </EmptyState>
        ) : report ? (
          <>
            <DayChart report={report} />
            <div className="usage-grid">
              <TopChart title="By person" rows={rowsOf(report, 'user')} testId="usage-by-user" />
              <TopChart title="By server" rows={rowsOf(report, 'guild')} testId="usage-by-guild" />
              <TopChart title="By workflow" rows={rowsOf(report, 'workflow')} testId="usage-by-workflow" />
            </div>
            <p className="muted">Days are counted in {report.timeZone}.</p>
          </>
        ) : null}
      </div>
      <SharingSettings />
      <OwnerCard />
    </section>
  );
}
