/**
 * The ComfyUIs that ComfyDesk launches: one by default (no `--cuda-device`), or one per chosen GPU
 * (`settings.comfy.cudaDevices`), each a LaunchLink (launch-link.ts) with its own port, supervisor, log, launch
 * record and backend record, all from the same install and settings. Taking over what the previous session left
 * running, the auto launch at start and when the settings ask for it, and a change of the chosen GPUs while
 * running: added GPUs start, removed ones stop (their jobs go elsewhere through the manager's 'gone', their
 * records are disabled and come back enabled when the GPU is chosen again).
 */
import { join } from 'node:path';
import { ApiError } from '@shared/api';
import type { Settings } from '@shared/settings';
import type { BackendRecord } from './records';
import type { ComfyBackend } from './backend';
import { LaunchLink, type LaunchLinkHost } from './launch-link';
import {
  effectiveLaunchSettings,
  stopLeftover,
  type LaunchSettings,
  type TimedLogLine,
} from '../launch/launched-comfy';
import type { LaunchRecordBook } from '../launch/launch-record';
import { summarizeInstances, type LauncherView } from '../launch/launch-status';
import { detectGpus, execRunner, gpuLabel, type CommandRunner, type GpuList } from '../launch/gpus';

export type DeviceLogLine = TimedLogLine & { device: number | null };

export interface LaunchSetHost extends LaunchLinkHost {
  launchRecords?: LaunchRecordBook;
  /** Runs nvidia-smi (tests script it). */
  gpuRunner?: CommandRunner;
  anyOnline(): boolean;
  status(status: LauncherView): void;
  logLine(line: DeviceLogLine): void;
}

const keyOf = (device: number | null) => (device === null ? 'single' : `gpu${device}`);
const joinAnd = (items: readonly unknown[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${String(items.at(-1))}`;

/** The settings of one instance: the shared ones, plus `--cuda-device N` last (it wins over one in the config's flags). */
export function instanceSettings(common: LaunchSettings, device: number | null): LaunchSettings {
  if (device === null) return common;
  const port = common.port === null || common.port + device > 65535 ? null : common.port + device;
  return { ...common, extraArgs: [...common.extraArgs, '--cuda-device', String(device)], port };
}

export class LaunchSet {
  private readonly links = new Map<string, LaunchLink>();
  private common: LaunchSettings;
  private devices: number[];
  private gpus: GpuList | null = null;
  /** Instances taken out of the settings, until they have stopped. */
  private readonly retiring = new Set<Promise<void>>();

  constructor(
    private readonly h: LaunchSetHost,
    settings: Settings,
  ) {
    this.common = effectiveLaunchSettings(h.config, settings.comfy);
    this.devices = settings.comfy.cudaDevices;
    for (const device of this.wanted()) this.add(device);
  }

  /** The launch settings every instance shares (the single one's as they are). */
  get settings(): LaunchSettings {
    return this.common;
  }

  /** Each instance, the single one or by GPU number. */
  list(): LaunchLink[] {
    return [...this.links.values()].sort((a, b) => (a.device ?? -1) - (b.device ?? -1));
  }

  get anyActive(): boolean {
    return this.list().some((l) => l.launched.active);
  }

  get anyStarting(): boolean {
    return this.list().some((l) => l.launched.state === 'starting');
  }

  /** The instance whose backend record this is. */
  ownerOf(backendId: string): LaunchLink | undefined {
    return this.list().find((l) => l.backendId === backendId);
  }

  status(): LauncherView {
    return summarizeInstances(this.list().map((l) => l.status()));
  }

  /** The status of the instance behind this backend, else the whole launcher's. */
  statusFor(backendId: string | null): LauncherView {
    const link = backendId ? this.ownerOf(backendId) : undefined;
    return link ? summarizeInstances([link.status()]) : this.status();
  }

  /** The log of one instance, or of all of them in the order the lines came. */
  logTail(device?: number): DeviceLogLine[] {
    const lines = this.pick(device).flatMap((l) => l.launched.logTail().map((line) => ({ ...line, device: l.device })));
    return lines.sort((a, b) => a.at - b.at);
  }

  /** Start every instance, or `device`'s; resolves once they are ready. */
  async start(device?: number): Promise<void> {
    await this.settled();
    await this.each(this.pick(device), (l) => l.launched.start());
  }

  async stop(device?: number): Promise<void> {
    await this.each(this.pick(device), (l) => l.launched.stop());
  }

  async restart(device?: number): Promise<void> {
    await this.settled();
    await this.each(this.pick(device), (l) => l.launched.restart());
  }

  /** Stop everything (the app quits): every instance and those still being taken out. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.list().map((l) => l.launched.stop()), this.settled()]);
  }

  /** Instances taken out of the settings have stopped. */
  async settled(): Promise<void> {
    while (this.retiring.size) await Promise.all([...this.retiring]);
  }

  /** The GPUs nvidia-smi lists now; their names label the instances. */
  async detectGpus(): Promise<GpuList> {
    this.gpus = await detectGpus(this.h.gpuRunner ?? execRunner);
    this.h.status(this.status());
    return this.gpus;
  }

  forget(id: string): void {
    for (const l of this.links.values()) l.forget(id);
  }

  attached(record: BackendRecord, backend: ComfyBackend): void {
    for (const l of this.links.values()) l.attached(record, backend);
  }

  onSettings(s: Settings): void {
    const before = this.common;
    const wasActive = this.anyActive;
    this.common = effectiveLaunchSettings(this.h.config, s.comfy);
    this.devices = s.comfy.cudaDevices;
    const wanted = this.wanted();
    const retired: Array<Promise<void>> = [];
    for (const link of this.list()) {
      if (wanted.includes(link.device)) link.launched.configure(instanceSettings(this.common, link.device));
      else retired.push(this.retire(link));
    }
    const added = wanted.filter((d) => !this.links.has(keyOf(d))).map((d) => this.add(d, true));
    const next = this.common;
    const asked = next.autoLaunch && !!next.launchPath && (!before.autoLaunch || before.launchPath !== next.launchPath);
    const toStart =
      asked && !wasActive && !this.h.anyOnline() ? this.list() : wasActive && next.launchPath ? added : [];
    if (added.length || retired.length) this.h.status(this.status());
    if (!this.h.started() || toStart.length === 0) return;
    const go = () => {
      for (const link of toStart) if (this.links.get(keyOf(link.device)) === link) this.launch(link);
    };
    // Started once those taken out have stopped (a fixed port may pass from one to the other).
    if (retired.length === 0) go();
    else void Promise.all(retired).then(go);
  }

  /**
   * At start: what the previous session left running for an instance not wanted now is stopped; each instance's
   * ComfyUI it left is taken over (or stopped when it does not answer); then the usual addresses are looked at
   * (`discover` says how many found ones are in use); with auto launch on and nothing in use, the instances not
   * running are launched.
   */
  async reclaimThenLaunch(discover: (ours: (recordId: string) => boolean) => Promise<number>): Promise<void> {
    if (this.devices.length) await this.detectGpus();
    await this.stopLeftovers();
    await Promise.all(
      this.list().map(async (link) => {
        const reclaimed = await link.launched.reclaim().catch((err: unknown) => {
          this.h.log.warn('looking at the ComfyUI left by the previous session failed', { error: String(err) });
          return 'none' as const;
        });
        if (reclaimed === 'adopted')
          this.h.log.info('took over the ComfyUI the previous session launched', { on: link.name });
      }),
    );
    const found = await discover((id) => !!this.ownerOf(id)?.launched.active);
    const s = this.common;
    const idle = this.list().filter((l) => !l.launched.active);
    if (!this.h.started() || !s.autoLaunch || !s.launchPath || idle.length === 0) return;
    if (found > 0) {
      this.h.log.info('a ComfyUI is already running; not launching another');
      return;
    }
    // Not awaited: stop() waits for the discovery, and must be able to stop a ComfyUI that is still booting.
    for (const link of idle) this.launch(link);
  }

  private wanted(): Array<number | null> {
    return this.devices.length ? this.devices : [null];
  }

  private add(device: number | null, chosenNow = false): LaunchLink {
    const book = this.h.launchRecords;
    const link = new LaunchLink(
      this.h,
      {
        device,
        name: () => this.nameOf(device),
        ...(book ? { records: book.of(device) } : {}),
        logDir: join(this.h.launchDir, 'logs', ...(device === null ? [] : [`gpu-${device}`])),
        avoidPorts: () => this.portsBesides(device),
        siblingUrl: (id) => {
          const owner = this.ownerOf(id);
          if (!owner || owner.device === device || !owner.launched.active) return null;
          return owner.launched.port ? `http://127.0.0.1:${owner.launched.port}` : null;
        },
        status: () => this.h.status(this.status()),
        logLine: (line) => this.h.logLine(line),
      },
      instanceSettings(this.common, device),
    );
    this.links.set(keyOf(device), link);
    // Chosen again: its record (disabled when it was taken out) is used again.
    const record = chosenNow ? link.record() : undefined;
    if (record && !record.enabled) this.h.records.setEnabled(record.id, true);
    return link;
  }

  /** Taken out of the settings: out of routing now, its jobs elsewhere ('gone'), its ComfyUI stopped, its record disabled. */
  private retire(link: LaunchLink): Promise<void> {
    this.links.delete(keyOf(link.device));
    const id = link.backendId;
    const done = (async () => {
      if (id && this.h.records.get(id)) {
        this.h.records.setEnabled(id, false);
        void this.h.stopLive(id);
        this.h.gone(id, `${link.name} was taken out of the GPUs ComfyUI runs on (Settings → ComfyUI).`);
      }
      await link.launched
        .stop()
        .catch((err: unknown) => this.h.log.warn('stopping ComfyUI failed', { on: link.name, error: String(err) }));
      link.dispose();
      this.h.changed();
      this.h.status(this.status());
    })();
    this.retiring.add(done);
    void done.finally(() => this.retiring.delete(done));
    return done;
  }

  private launch(link: LaunchLink): void {
    link.launched
      .start()
      .catch((err: unknown) => this.h.log.warn('launching ComfyUI failed', { on: link.name, error: String(err) }));
  }

  /** Stop what a previous session left running for instances not wanted now. */
  private async stopLeftovers(): Promise<void> {
    const book = this.h.launchRecords;
    if (!book) return;
    const wanted = this.wanted();
    const leftovers = [null, ...book.devices()].filter((d) => !wanted.includes(d));
    const grace = this.h.launcher?.stopGraceMs;
    await Promise.all(
      leftovers.map((d) =>
        stopLeftover(book.of(d), {
          clock: this.h.clock,
          logger: this.h.log,
          ...(grace !== undefined ? { graceMs: grace } : {}),
        }).catch((err: unknown) => this.h.log.warn('stopping a leftover ComfyUI failed', { error: String(err) })),
      ),
    );
  }

  private nameOf(device: number | null): string {
    if (device === null) return 'ComfyUI';
    return gpuLabel(
      device,
      this.gpus?.gpus.find((g) => g.index === device),
    );
  }

  private portsBesides(device: number | null): ReadonlySet<number> {
    const ports = new Set<number>();
    for (const l of this.links.values()) if (l.device !== device && l.launched.port) ports.add(l.launched.port);
    return ports;
  }

  /** The instances a call is for: every one, or `device`'s (a clear error when ComfyUI is not set to run there). */
  private pick(device: number | undefined): LaunchLink[] {
    if (device === undefined) return this.list();
    const link = this.links.get(keyOf(device));
    if (link) return [link];
    throw new ApiError({
      code: 'not_found',
      message: this.devices.length
        ? `ComfyUI is not set to run on GPU ${device}: the ${this.devices.length === 1 ? 'GPU' : 'GPUs'} chosen in Settings → ComfyUI ${this.devices.length === 1 ? 'is' : 'are'} ${joinAnd(this.devices)}.`
        : `ComfyUI runs as one instance here (no GPUs are chosen in Settings → ComfyUI): leave out the device.`,
    });
  }

  /** Run an action on each instance; with several, the failures come back as one error naming each. */
  private async each(links: LaunchLink[], action: (l: LaunchLink) => Promise<unknown>): Promise<void> {
    const results = await Promise.allSettled(links.map(action));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ link: links[i]!, error: r.reason }] : []));
    if (failed.length === 0) return;
    if (links.length === 1) throw failed[0]!.error;
    const text = (e: unknown) => (e instanceof Error ? e.message : String(e));
    throw new ApiError({
      code: 'unavailable',
      message: failed.map((f) => `${f.link.name}: ${text(f.error)}`).join('\n'),
    });
  }
}
