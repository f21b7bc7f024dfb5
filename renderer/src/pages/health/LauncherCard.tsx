import { useLayoutEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { MemoryStick, Play, RotateCw, Square } from 'lucide-react';
import { Button } from '../../components/ui/Button';
import { useBackends } from '../../stores/app-store';
import { useHealth } from '../../stores/health-store';
import { useNav } from '../../stores/nav-store';

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

/** The ComfyUI ComfyDesk launches: its state, start/stop/restart, free VRAM, and its log. */
export function LauncherCard({ backendId }: { backendId: string }) {
  const backends = useBackends();
  // Not the log: LogTail follows it, the card need not re-render for every line.
  const { launch, launcher, busy, control, freeVram } = useHealth(
    useShallow((s) => ({
      launch: s.launch,
      launcher: s.launcher,
      busy: s.busy,
      control: s.control,
      freeVram: s.freeVram,
    })),
  );
  const state = launcher?.state ?? 'stopped';
  const canLaunch = !!launch?.launchPath;
  const anyOnline = backends.some((b) => b.enabled && (b.status === 'idle' || b.status === 'busy'));
  return (
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
      {launcher?.error && <p className="banner error launcher-error">{launcher.error}</p>}
      {launcher?.restartNeeded && <p className="banner warn">Launch settings changed: restart ComfyUI to use them.</p>}
      <LogTail />
    </div>
  );
}
