import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { FileText, Play, RotateCw, Square } from 'lucide-react';
import type { LauncherInstance } from '@shared/api/backends';
import { LiveLog } from '../../components/LiveLog';
import { Button } from '../../components/ui/Button';
import { useHealth } from '../../stores/health-store';

/**
 * Each ComfyUI launched on a GPU (one per chosen GPU): its state, port and restarts, start / stop / restart it
 * alone, why it stopped, and its own log. Shown when GPUs are chosen (the single ComfyUI has the card's buttons).
 */
const NONE: LauncherInstance[] = [];

export function LauncherInstances({ canLaunch }: { canLaunch: boolean }) {
  const instances = useHealth((s) => s.launcher?.instances ?? NONE);
  if (!instances.some((i) => i.device !== null)) return null;
  return (
    <ul className="launcher-instances" aria-label="ComfyUI on each GPU">
      {instances.map((i) => (
        <Instance key={i.device ?? 'single'} instance={i} canLaunch={canLaunch} />
      ))}
    </ul>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function Instance({ instance: i, canLaunch }: { instance: LauncherInstance; canLaunch: boolean }) {
  const { busy, control } = useHealth(useShallow((s) => ({ busy: s.busy, control: s.control })));
  const [showLog, setShowLog] = useState(false);
  const device = i.device ?? undefined;
  const id = `gpu-${i.device ?? 'single'}`;
  const facts = [i.port ? `port ${i.port}` : null, i.adopted ? 'taken over' : null, plural(i.restarts, 'restart')];
  return (
    <li className="launcher-instance" data-testid={`instance-${id}`}>
      <div className="instance-head">
        <strong>{i.name}</strong>
        <span className={`status-pill ${i.state}`} data-testid={`instance-state-${id}`}>
          {i.state}
        </span>
        <span className="muted instance-facts">{facts.filter(Boolean).join(' · ')}</span>
        <div className="spacer" />
        <div className="instance-actions">
          <Button
            size="sm"
            icon={<Play size={14} />}
            aria-label={`Start ${i.name}`}
            disabled={!canLaunch || busy !== null || i.state === 'running' || i.state === 'starting'}
            onClick={() => void control('start', device)}
          >
            Start
          </Button>
          <Button
            size="sm"
            icon={<Square size={14} />}
            aria-label={`Stop ${i.name}`}
            disabled={busy !== null || i.state === 'stopped'}
            onClick={() => void control('stop', device)}
          >
            Stop
          </Button>
          <Button
            size="sm"
            icon={<RotateCw size={14} />}
            aria-label={`Restart ${i.name}`}
            disabled={!canLaunch || busy !== null}
            onClick={() => void control('restart', device)}
          >
            Restart
          </Button>
          <Button
            size="sm"
            variant="ghost"
            icon={<FileText size={14} />}
            aria-expanded={showLog}
            aria-controls={`${id}-log`}
            aria-label={`${showLog ? 'Hide log' : 'Show log'} of ${i.name}`}
            onClick={() => setShowLog((v) => !v)}
          >
            {showLog ? 'Hide log' : 'Show log'}
          </Button>
        </div>
      </div>
      {i.error && <p className="banner error launcher-error">{i.error}</p>}
      {showLog && (
        <div id={`${id}-log`}>
          <LiveLog device={i.device} label={`Log of ${i.name}`} empty={`No output from ${i.name} yet.`} />
        </div>
      )}
    </li>
  );
}
