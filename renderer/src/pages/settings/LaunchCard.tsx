import { useEffect, useState } from 'react';
import type { LaunchSettingsView } from '@shared/api/backends';
import { api } from '../../api/client';
import { report } from '../../stores/toast-store';

/** Where ComfyUI is installed, whether to start it with the app, and its extra flags. */
export function LaunchCard() {
  const [view, setView] = useState<LaunchSettingsView | null>(null);
  const [path, setPath] = useState('');
  const [args, setArgs] = useState('');
  const [auto, setAuto] = useState(false);
  useEffect(() => {
    void report(() => api.call('comfy.launchSettings')).then((v) => {
      if (!v) return;
      setView(v);
      setPath(v.saved.launchPath ?? '');
      setArgs(v.saved.extraArgs.join(' '));
      setAuto(v.saved.autoLaunch);
    });
  }, []);
  return (
    <form
      className="card form"
      aria-label="Launch ComfyUI"
      onSubmit={(e) => {
        e.preventDefault();
        void report(
          () =>
            api.call('comfy.setLaunchSettings', {
              launchPath: path.trim() || null,
              autoLaunch: auto,
              extraArgs: args.split(/\s+/).filter(Boolean),
            }),
          (v) => (v.launcher.restartNeeded ? 'Saved. Restart ComfyUI to use them.' : 'Launch settings saved.'),
        ).then((v) => v && setView(v));
      }}
    >
      <h2>Launch ComfyUI</h2>
      <div className="field">
        <label htmlFor="launch-path">ComfyUI folder</label>
        <input
          id="launch-path"
          type="text"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder={view?.config.launchPath ?? 'C:\\ComfyUI_windows_portable or ~/ComfyUI'}
        />
        <small className="hint">
          The folder with main.py, or a portable build’s root.
          {view?.config.launchPath ? ` The config file says ${view.config.launchPath}.` : ''}
        </small>
      </div>
      <div className="field">
        <label htmlFor="launch-args">Extra flags</label>
        <input
          id="launch-args"
          type="text"
          value={args}
          onChange={(e) => setArgs(e.target.value)}
          placeholder="--lowvram"
        />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} />
        Start ComfyUI with the app when none is running
      </label>
      <div className="actions">
        <button type="submit" className="primary">
          Save
        </button>
      </div>
    </form>
  );
}
