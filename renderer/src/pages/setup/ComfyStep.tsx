import { useEffect, useState } from 'react';
import { Cpu, ExternalLink, FolderOpen, Globe, Play } from 'lucide-react';
import { AddBackendForm } from '../settings/AddBackendForm';
import type { ComfyDevice } from '@shared/api/backends';
import { api } from '../../api/client';
import { LiveLog } from '../../components/LiveLog';
import { Button } from '../../components/ui/Button';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { errorMessage, formatBytes } from '../../lib/format';
import { useBackends } from '../../stores/app-store';
import { useHealth } from '../../stores/health-store';

const GET_COMFYUI = [
  {
    title: 'ComfyUI Desktop',
    text: 'the installer for Windows and macOS: the easiest start.',
    href: 'https://www.comfy.org/download',
  },
  {
    title: 'The portable build',
    text: 'for Windows with an NVIDIA GPU: unzip it and choose its folder here.',
    href: 'https://github.com/comfyanonymous/ComfyUI/releases',
  },
  {
    title: 'A git install',
    text: 'on Linux or anywhere Python runs: clone it, install its requirements, choose its folder.',
    href: 'https://github.com/comfyanonymous/ComfyUI#manual-install-windows-linux',
  },
];

const isOnline = (status: string) => status === 'idle' || status === 'busy';

/** Step 1: the ComfyUI that was found, or three ways to get one (a folder to launch, a URL, how to install). */
export function ComfyStep() {
  const backends = useBackends();
  const online = backends.filter((b) => b.enabled && isOnline(b.status));
  const { launcher, launch, loadComfy } = useHealth();
  const [devices, setDevices] = useState<ComfyDevice[] | null>(null);
  const [folder, setFolder] = useState('');
  const [folderError, setFolderError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'folder' | null>(null);
  useEffect(() => void loadComfy(), [loadComfy]);
  useEffect(() => {
    if (launch?.saved.launchPath && !folder) setFolder(launch.saved.launchPath);
  }, [launch, folder]);
  const onlineKey = online.map((b) => b.id).join(',');
  useEffect(() => {
    if (!onlineKey) return;
    api.call('comfy.devices').then(setDevices, () => setDevices([]));
  }, [onlineKey]);

  const startFolder = async () => {
    setBusy('folder');
    setFolderError(null);
    try {
      await api.call('comfy.setLaunchSettings', { launchPath: folder.trim(), autoLaunch: true });
      const status = await api.call('comfy.start');
      if (status.error) setFolderError(status.error);
    } catch (err) {
      setFolderError(errorMessage(err));
    } finally {
      setBusy(null);
      void loadComfy();
    }
  };
  const pick = window.comfydesk?.pickFolder;

  if (online.length > 0) {
    return (
      <div className="setup-found" data-testid="comfy-found">
        {online.map((b) => (
          <p key={b.id} className="banner ok">
            Found ComfyUI{b.version ? ` ${b.version}` : ''} at <code>{b.url}</code>
          </p>
        ))}
        {devices && devices.length > 0 && (
          <ul className="device-list">
            {devices.map((d) => (
              <li key={`${d.backendId}-${d.name}`}>
                <Cpu size={16} aria-hidden="true" />
                {d.type === 'cpu' || d.name === 'CPU' ? (
                  <span>
                    CPU only: images take minutes, not seconds. Small workflows and few steps are the way to start.
                  </span>
                ) : (
                  <span>
                    {d.name}
                    {d.vramTotal ? ` · ${formatBytes(d.vramTotal)} VRAM` : ''}
                    {d.vramFree ? `, ${formatBytes(d.vramFree)} free` : ''}
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }

  const starting = launcher?.state === 'starting' || busy === 'folder';
  return (
    <div className="setup-comfy">
      <p>
        ComfyDesk did not find a ComfyUI running on this computer (it looked at ports 8188 and 8000). Choose one of
        these:
      </p>
      <section className="setup-option" aria-labelledby="opt-folder">
        <h3 id="opt-folder">
          <FolderOpen size={18} aria-hidden="true" /> I have ComfyUI on this computer
        </h3>
        <Field
          id="setup-folder"
          label="ComfyUI folder"
          hint="The folder with main.py, or the portable build’s folder. ComfyDesk starts it and shows its output."
          error={folderError}
        >
          <Input
            value={folder}
            spellCheck={false}
            onChange={(e) => {
              setFolder(e.target.value);
              setFolderError(null);
            }}
            placeholder="C:\ComfyUI_windows_portable or ~/ComfyUI"
          />
        </Field>
        <div className="actions">
          {pick && (
            <Button
              icon={<FolderOpen size={16} />}
              onClick={() =>
                void pick('Choose your ComfyUI folder').then((f) => {
                  if (f) {
                    setFolder(f);
                    setFolderError(null);
                  }
                })
              }
            >
              Choose…
            </Button>
          )}
          <Button
            variant="primary"
            icon={<Play size={16} />}
            loading={starting}
            disabled={folder.trim() === ''}
            onClick={() => void startFolder()}
            data-testid="setup-start-comfy"
          >
            {starting ? 'Starting ComfyUI…' : 'Start ComfyUI'}
          </Button>
        </div>
        {(starting || launcher?.state === 'crashed' || folderError) && (
          <LiveLog last={14} empty="Waiting for output…" />
        )}
      </section>
      <section className="setup-option" aria-labelledby="opt-url">
        <h3 id="opt-url">
          <Globe size={18} aria-hidden="true" /> It runs elsewhere (another port, another computer)
        </h3>
        <AddBackendForm
          idPrefix="setup"
          name="Connect to a ComfyUI"
          label="ComfyUI address"
          hint="As you open it in a browser; a friend's ComfyUI behind a proxy may want a token or a password too."
          submitLabel="Connect"
          offerForce={false}
        />
      </section>
      <section className="setup-option" aria-labelledby="opt-get">
        <h3 id="opt-get">I don’t have ComfyUI yet</h3>
        <ul className="link-list">
          {GET_COMFYUI.map((g) => (
            <li key={g.title}>
              <a href={g.href} target="_blank" rel="noreferrer">
                {g.title}
                <ExternalLink size={12} aria-hidden="true" className="inline-icon" />
              </a>{' '}
              — {g.text}
            </li>
          ))}
        </ul>
        <p className="muted">Then come back: ComfyDesk finds a running ComfyUI by itself.</p>
      </section>
    </div>
  );
}
