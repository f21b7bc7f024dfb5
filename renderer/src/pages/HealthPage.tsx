import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ShieldCheck } from 'lucide-react';
import { Button } from '../components/ui/Button';
import { EmptyState } from '../components/ui/EmptyState';
import { Select } from '../components/ui/Select';
import { formatAgo } from '../lib/format';
import { useBackends } from '../stores/app-store';
import { countChecks } from '../stores/health-logic';
import { useHealth } from '../stores/health-store';
import { ChooseModelDialog } from './health/ChooseModelDialog';
import { CheckList } from './health/CheckList';
import { LauncherCard } from './health/LauncherCard';
import '../styles/import-health.css';

/** What needs fixing first, each with its buttons; the checks run again by themselves after every change. */
export function HealthPage() {
  const backends = useBackends();
  const { selected, running, checks, at, runError, choosing, load, select, runChecks, loadComfy } = useHealth(
    useShallow((s) => ({
      selected: s.selected,
      running: s.running,
      checks: s.checks,
      at: s.at,
      runError: s.runError,
      choosing: s.choosing,
      load: s.load,
      select: s.select,
      runChecks: s.runChecks,
      loadComfy: s.loadComfy,
    })),
  );
  useEffect(() => {
    void loadComfy();
    void load();
  }, [load, loadComfy]);
  const counts = countChecks(checks);

  return (
    <section className="page" aria-labelledby="health-title">
      <header className="page-header">
        <h1 id="health-title">Health</h1>
      </header>
      <div className="card">
        <div className="card-header">
          <h2>Checks</h2>
          {checks.length > 0 && (
            <span className="health-counts muted" data-testid="health-counts">
              {counts.fail > 0 && <span className="count-fail">{counts.fail} to fix</span>}
              {counts.warn > 0 && <span className="count-warn">{counts.warn} to look at</span>}
              <span className="count-ok">{counts.ok} fine</span>
              {at !== null && <span>· checked {formatAgo(at)}</span>}
            </span>
          )}
          <div className="spacer" />
          <div className="filter-control">
            <Select
              aria-label="Backend"
              value={selected}
              onValueChange={(id) => void select(id)}
              options={[
                { value: '', label: 'First backend' },
                // Checks run against an enabled backend only; a disabled one would answer "no running backend with id …".
                ...backends.filter((b) => b.enabled).map((b) => ({ value: b.id, label: `${b.name} (${b.status})` })),
              ]}
            />
          </div>
          <Button
            variant="primary"
            icon={<ShieldCheck size={16} />}
            loading={running}
            onClick={() => void runChecks(selected || undefined)}
            data-testid="run-checks"
          >
            {running ? 'Running…' : 'Run all checks'}
          </Button>
        </div>
        <p className="card-lead muted">
          The checks run by themselves when ComfyDesk starts and after every change (a ComfyUI comes or goes, a model
          file arrives, a setting changes).
        </p>
        {runError && (
          <p role="alert" className="banner error">
            {runError}
          </p>
        )}
        <CheckList checks={checks} running={running} />
        {!running && checks.length === 0 && !runError && (
          <EmptyState icon={ShieldCheck} compact>
            Run the checks to see what works and what needs fixing: ComfyUI, its models, the bot and the disk.
          </EmptyState>
        )}
      </div>
      <LauncherCard backendId={selected} />
      {choosing && <ChooseModelDialog fix={choosing} />}
    </section>
  );
}
