import { useEffect, useState } from 'react';
import type { LaunchSettingsView } from '@shared/api/backends';
import { api } from '../../api/client';
import { Checkbox } from '../../components/ui/Checkbox';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { errorMessage } from '../../lib/format';
import { useSaveState } from '../../lib/use-save-state';
import { useHealth } from '../../stores/health-store';
import { LauncherInstances } from '../health/LauncherInstances';
import { GpuChoice } from './GpuChoice';

const NONE: number[] = [];

type Patch = { launchPath?: string | null; autoLaunch?: boolean; extraArgs?: string[]; cudaDevices?: number[] };

/**
 * Where ComfyUI is installed, whether to start it with the app, its extra flags and the GPUs it runs on (one
 * ComfyUI per GPU, each listed with its state and buttons). Saved as they change.
 */
export function LaunchCard() {
  const [view, setView] = useState<LaunchSettingsView | null>(null);
  const [path, setPath] = useState('');
  const [args, setArgs] = useState('');
  const [pathError, setPathError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { state, run } = useSaveState();
  useEffect(() => {
    // The GPUs' ComfyUIs: their live state and logs come through the health store.
    void useHealth.getState().loadComfy();
    api.call('comfy.launchSettings').then(
      (v) => {
        setView(v);
        setPath(v.saved.launchPath ?? '');
        setArgs(v.saved.extraArgs.join(' '));
        useHealth.setState({ launcher: v.launcher });
      },
      (err: unknown) => setLoadError(errorMessage(err)),
    );
  }, []);
  const save = async (patch: Patch) => {
    const v = await run(async () => {
      try {
        return await api.call('comfy.setLaunchSettings', patch);
      } catch (err) {
        // A folder the core refuses is said at the folder's field.
        if ('launchPath' in patch) setPathError(errorMessage(err));
        throw err;
      }
    });
    if (v) {
      setView(v);
      useHealth.setState({ launcher: v.launcher });
      if ('launchPath' in patch) setPathError(null);
    }
    return v !== undefined;
  };
  const savedPath = view?.saved.launchPath ?? '';
  const savedArgs = view?.saved.extraArgs.join(' ') ?? '';
  return (
    <section className="card form" aria-label="Launch ComfyUI">
      <div className="card-header">
        <h2>Launch ComfyUI</h2>
        <SaveStatus state={state} testId="saved-launch" />
      </div>
      <p className="card-lead">Let ComfyDesk start, stop and restart a ComfyUI installed on this computer.</p>
      {loadError && (
        <p className="banner error" role="alert">
          {loadError}
        </p>
      )}
      <Field
        id="launch-path"
        label="ComfyUI folder"
        error={pathError}
        hint={`The folder with main.py, or a portable build’s root.${view?.config.launchPath ? ` The config file says ${view.config.launchPath}.` : ''}`}
      >
        <Input
          type="text"
          spellCheck={false}
          value={path}
          onChange={(e) => {
            setPath(e.target.value);
            setPathError(null);
          }}
          onBlur={() => view && path.trim() !== savedPath && void save({ launchPath: path.trim() || null })}
          onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
          placeholder={view?.config.launchPath ?? 'C:\\ComfyUI_windows_portable or ~/ComfyUI'}
        />
      </Field>
      <Field id="launch-args" label="Extra flags" hint="Passed to main.py, e.g. --lowvram on a small GPU.">
        <Input
          type="text"
          spellCheck={false}
          value={args}
          onChange={(e) => setArgs(e.target.value)}
          onBlur={() =>
            view && args.trim() !== savedArgs && void save({ extraArgs: args.split(/\s+/).filter(Boolean) })
          }
          onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
          placeholder="--lowvram"
        />
      </Field>
      <Checkbox
        label="Start ComfyUI with the app when none is running"
        checked={view?.saved.autoLaunch ?? false}
        disabled={!view}
        onCheckedChange={(autoLaunch) => void save({ autoLaunch })}
      />
      <GpuChoice
        chosen={view?.saved.cudaDevices ?? NONE}
        disabled={!view}
        save={(cudaDevices) => save({ cudaDevices })}
      />
      <LauncherInstances canLaunch={!!view?.launchPath} />
      {view?.launcher.restartNeeded && (
        <p className="banner warn">Changed while ComfyUI runs: restart it on the Health page to use them.</p>
      )}
    </section>
  );
}
