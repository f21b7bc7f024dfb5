import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Check, MemoryStick, Play, RotateCw, ShieldCheck, Square, TriangleAlert, X } from 'lucide-react';
import { Button } from '../components/ui/Button';
import { EmptyState } from '../components/ui/EmptyState';
import { Select } from '../components/ui/Select';
import { useBackends } from '../stores/app-store';
import { useHealth } from '../stores/health-store';
import { useNav } from '../stores/nav-store';

const ICON = { ok: Check, warn: TriangleAlert, fail: X } as const;

function LogTail() {
  const log = useHealth((s) => s.log);
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [log]);
  return (
    <pre
      ref={ref}
      className={`log${log.length === 0 ? ' log-empty' : ''}`}
      tabIndex={0}
      aria-label="ComfyUI log"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {log.length === 0 ? (
        <span className="muted">No output yet. The log shows here when ComfyDesk launches ComfyUI.</span>
      ) : null}
      {log.map((l, i) => (
        <div key={`${l.at}-${i}`} className={l.stream === 'stderr' ? 'stderr' : undefined}>
          {l.text}
        </div>
      ))}
    </pre>
  );
}

/** Health checks streamed row by row, the launched ComfyUI and its log. */
export function HealthPage() {
  const backends = useBackends();
  // Not the log: LogTail follows it, the page need not re-render for every line.
  const {
    running,
    checks,
    runError,
    launch,
    launcher,
    busy,
    runChecks,
    loadComfy,
    control,
    freeVram,
    addFlagsAndStart,
  } = useHealth(useShallow(({ log: _log, ...rest }) => rest));
  const suggested = launcher?.problem?.suggestedArgs ?? [];
  const [backendId, setBackendId] = useState('');
  useEffect(() => {
    void loadComfy();
  }, [loadComfy]);
  const state = launcher?.state ?? 'stopped';
  const canLaunch = !!launch?.launchPath;
  const anyOnline = backends.some((b) => b.enabled && (b.status === 'idle' || b.status === 'busy'));

  return (
    <section className="page" aria-labelledby="health-title">
      <header className="page-header">
        <h1 id="health-title">Health</h1>
      </header>
      <div className="card">
        <div className="card-header">
          <h2>Checks</h2>
          <div className="spacer" />
          <div className="filter-control">
            <Select
              aria-label="Backend"
              value={backendId}
              onValueChange={setBackendId}
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
            onClick={() => void runChecks(backendId || undefined)}
            data-testid="run-checks"
          >
            {running ? 'Running…' : 'Run all checks'}
          </Button>
        </div>
        {runError && (
          <p role="alert" className="banner error">
            {runError}
          </p>
        )}
        <ul className="checks" aria-live="polite" data-testid="health-checks">
          {checks.map((c) => (
            <li key={c.id} className={`check ${c.status}`} data-testid="health-check" data-status={c.status}>
              <span className={`check-icon ${c.status}`} role="img" aria-label={c.status}>
                {(() => {
                  const Icon = ICON[c.status];
                  return <Icon size={14} strokeWidth={2.5} aria-hidden="true" />;
                })()}
              </span>
              <div>
                <div className="check-title">
                  {c.title} <span className="muted small">{Math.round(c.durationMs)} ms</span>
                </div>
                <div className="check-details">{c.details}</div>
                {c.fixHint && <div className="check-fix">Fix: {c.fixHint}</div>}
              </div>
            </li>
          ))}
          {running && <li className="check pending muted">Checking…</li>}
        </ul>
        {!running && checks.length === 0 && !runError && (
          <EmptyState icon={ShieldCheck} compact>
            Run the checks to see what works and what needs fixing: ComfyUI, its models, the bot and the disk.
          </EmptyState>
        )}
      </div>
      <div className="card">
        <div className="card-header">
          <h2>ComfyUI launched by ComfyDesk</h2>
          {launcher ? (
            <span className={`status-pill ${state}`} data-testid="launcher-state">
              {state}
            </span>
          ) : (
            <span className="muted">Loading…</span>
          )}
          <div className="spacer" />
          <Button
            size="sm"
            icon={<Play size={14} />}
            disabled={!canLaunch || busy !== null || state === 'running' || state === 'starting'}
            onClick={() => void control('start')}
          >
            Start
          </Button>
          <Button
            size="sm"
            icon={<Square size={14} />}
            disabled={busy !== null || state === 'stopped'}
            onClick={() => void control('stop')}
          >
            Stop
          </Button>
          <Button
            size="sm"
            icon={<RotateCw size={14} />}
            disabled={!canLaunch || busy !== null}
            onClick={() => void control('restart')}
          >
            Restart
          </Button>
          <Button
            size="sm"
            icon={<MemoryStick size={14} />}
            disabled={busy !== null || !anyOnline}
            loading={busy === 'vram'}
            title={anyOnline ? 'Unload models and free GPU memory on the backend' : 'No ComfyUI backend is online'}
            onClick={() => void freeVram(backendId || undefined)}
          >
            {busy === 'vram' ? 'Freeing…' : 'Free VRAM'}
          </Button>
        </div>
        {!canLaunch && (
          <p className="muted">
            Set the ComfyUI folder in{' '}
            <button type="button" className="btn-link" onClick={() => useNav.getState().go('settings')}>
              Settings
            </button>{' '}
            to let ComfyDesk start and stop it.
          </p>
        )}
        {launcher?.error && (
          <p className="banner error" data-testid="launcher-error">
            {launcher.error}
          </p>
        )}
        {launcher?.state === 'crashed' && suggested.length > 0 && (
          <div className="actions">
            <Button
              size="sm"
              icon={<Play size={14} />}
              disabled={busy !== null}
              data-testid="launcher-suggested"
              onClick={() => void addFlagsAndStart(suggested)}
            >
              Add {suggested.join(' ')} and start
            </Button>
          </div>
        )}
        {launcher?.restartNeeded && (
          <p className="banner warn">Launch settings changed: restart ComfyUI to use them.</p>
        )}
        <LogTail />
      </div>
    </section>
  );
}
