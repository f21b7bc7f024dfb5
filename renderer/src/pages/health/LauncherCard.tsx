import { useShallow } from 'zustand/react/shallow';
import { MemoryStick, Play, RotateCw, Square } from 'lucide-react';
import { LiveLog } from '../../components/LiveLog';
import { LauncherInstances } from './LauncherInstances';
import { Button } from '../../components/ui/Button';
import { useBackends } from '../../stores/app-store';
import { useHealth } from '../../stores/health-store';
import { useNav } from '../../stores/nav-store';

/**
 * The ComfyUI ComfyDesk launches: its state, start/stop/restart, free VRAM, why the last start or run failed (with
 * a button for the flags its fix suggests), and its log. With GPUs chosen, each GPU's ComfyUI has its own row
 * (state, port, restarts, its buttons and log); the card's buttons act on all of them.
 */
export function LauncherCard({ backendId }: { backendId: string }) {
  const backends = useBackends();
  // Not the log: LiveLog follows it, the card need not re-render for every line.
  const { launch, launcher, busy, control, freeVram, addFlagsAndStart } = useHealth(
    useShallow((s) => ({
      launch: s.launch,
      launcher: s.launcher,
      busy: s.busy,
      control: s.control,
      freeVram: s.freeVram,
      addFlagsAndStart: s.addFlagsAndStart,
    })),
  );
  // The flags the last failed start's fix suggests (e.g. --cpu when no GPU is usable).
  const suggested = launcher?.problem?.suggestedArgs ?? [];
  const state = launcher?.state ?? 'stopped';
  const canLaunch = !!launch?.launchPath;
  const anyOnline = backends.some((b) => b.enabled && (b.status === 'idle' || b.status === 'busy'));
  const instances = launcher?.instances ?? [];
  const perGpu = instances.some((i) => i.device !== null);
  const all = perGpu && instances.length > 1 ? ' all' : '';
  const up = (i: { state: string }) => i.state === 'running' || i.state === 'starting';
  const canStart = perGpu ? instances.some((i) => !up(i)) : !up({ state });
  const canStop = perGpu ? instances.some((i) => i.state !== 'stopped') : state !== 'stopped';
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
          disabled={!canLaunch || busy !== null || !canStart}
          onClick={() => void control('start')}
        >
          Start{all}
        </Button>
        <Button
          size="sm"
          icon={<Square size={14} />}
          disabled={busy !== null || !canStop}
          onClick={() => void control('stop')}
        >
          Stop{all}
        </Button>
        <Button
          size="sm"
          icon={<RotateCw size={14} />}
          disabled={!canLaunch || busy !== null}
          onClick={() => void control('restart')}
        >
          Restart{all}
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
      {/* Each GPU's own error is in its row. */}
      {launcher?.error && !perGpu && (
        <p className="banner error launcher-error" data-testid="launcher-error">
          {launcher.error}
        </p>
      )}
      <LauncherInstances canLaunch={canLaunch} />
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
      {launcher?.restartNeeded && <p className="banner warn">Launch settings changed: restart ComfyUI to use them.</p>}
      <LiveLog />
    </div>
  );
}
