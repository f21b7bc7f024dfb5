/**
 * Everything about ComfyUI backends in one place: the stored records, one live ComfyBackend per enabled record,
 * the ComfyUI found already running at start, the ComfyUI that ComfyDesk launches (a backend of kind
 * 'launched'), and the pool that picks a backend for a job. The jobs engine and the API handlers use only this.
 */
import { ApiError } from '@shared/api';
import type { BackendSummary, HealthSummary } from '@shared/api/health';
import { systemClock, type Clock } from '@core/clock';
import { nullLogger, type Logger } from '@core/log';
import type { BackendRecord } from './records';
import { ComfyBackend, type BackendStatus } from './backend';
import { DEFAULT_COMFY_URLS, findComfyUI, useFound } from './discover';
import { freeVramOn } from './free-vram';
import type { LaunchSettings } from '../launch/launched-comfy';
import type { LauncherView } from '../launch/launch-status';
import { LaunchSet, type DeviceLogLine } from './launch-set';
import { checkNewBackend, type NewBackendInput } from './add-backend';
import { backendSummary } from './summary';
import type { BackendManagerEvents, BackendManagerOptions } from './manager-options';
import { LiveInfo } from './live-info';
import { BackendPool } from './pool';
import type { Placement } from './placement';
import { isOnline, type IntRange, type Requirements } from './routing';
import type { BackendAuth } from '@shared/backend-auth';
import { TypedEmitter } from '@core/typed-emitter';

export type { BackendManagerEvents, BackendManagerOptions } from './manager-options';

/** A model folder read this recently is trusted when it lacks a file; older ones are read again first. */
export const MODEL_LIST_FRESH_MS = 2_000;

export class BackendManager extends TypedEmitter<BackendManagerEvents> {
  readonly pool: BackendPool;
  /** Model lists and devices of the online backends, asked live. */
  readonly info: LiveInfo;
  private readonly live = new Map<string, ComfyBackend>();
  private readonly unsubscribe = new Map<string, () => void>();
  private readonly versions = new Map<string, string>();
  /** The ComfyUIs ComfyDesk launches: one, or one per chosen GPU (start, stop, restart, GPUs: launch-set.ts). */
  readonly launcher: LaunchSet;
  private readonly clock: Clock;
  private readonly log: Logger;
  private started = false;
  private discovery: Promise<void> = Promise.resolve();

  constructor(private readonly o: BackendManagerOptions) {
    super();
    this.clock = o.clock ?? systemClock;
    this.log = (o.logger ?? nullLogger).child('comfy');
    this.emitterLog = this.log;
    this.pool = new BackendPool({ clock: this.clock, logger: this.log });
    this.info = new LiveInfo(
      () => this.live.values(),
      (id) => this.o.records.get(id)?.name ?? id,
      this.clock,
    );
    for (const url of o.config.urls) o.records.ensure(url, 'remote');
    this.launcher = new LaunchSet(
      {
        records: o.records,
        config: o.config,
        clock: this.clock,
        log: this.log,
        launchDir: o.launchDir,
        ...(o.launchRecords ? { launchRecords: o.launchRecords } : {}),
        ...(o.launcher ? { launcher: o.launcher } : {}),
        ...(o.gpuRunner ? { gpuRunner: o.gpuRunner } : {}),
        started: () => this.started,
        backend: (id) => this.live.get(id),
        startLive: (record) => this.startLive(record),
        stopLive: (id) => this.stopLive(id),
        forgetVersion: (id) => this.versions.delete(id),
        dropRecord: (id) => void this.forgetRecord(this.record(id)),
        anyOnline: () => this.list().some((b) => isOnline(b.status)),
        changed: () => this.changed(),
        status: (status) => this.emit('launcher', status),
        logLine: (line) => this.emit('log', line),
        gone: (id, reason) => this.emit('gone', id, reason),
      },
      o.settings(),
    );
    o.events.on('settings.changed', (s) => {
      this.launcher.onSettings(s);
      this.changed();
    });
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const record of this.o.records.list()) if (record.enabled) this.startLive(record);
    this.discovery = this.launcher
      .reclaimThenLaunch((ours) => this.discover(ours))
      .catch((err: unknown) => this.log.warn('looking for a running ComfyUI failed', { error: err }));
  }

  /** Disconnect every backend and stop the launched ComfyUI. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.discovery;
    const ids = [...this.live.keys()];
    await Promise.all([
      this.launcher.stopAll().catch((err: unknown) => this.log.warn('stopping ComfyUI failed', { error: err })),
      ...ids.map((id) => this.stopLive(id)),
    ]);
    this.pool.dispose();
  }

  // --------------------------------------------------------------------------------------- backends

  get(id: string): ComfyBackend | undefined {
    return this.live.get(id);
  }

  /** The live backends (enabled, while started). */
  list(): ComfyBackend[] {
    return [...this.live.values()];
  }

  /** The live backends by id (the same map, kept up to date). */
  get backends(): ReadonlyMap<string, ComfyBackend> {
    return this.live;
  }

  /** Every online backend that has the job's node classes and models, least loaded first. */
  rank(req: Requirements): ComfyBackend[] {
    return this.pool.rank(req).flatMap((b) => this.live.get(b.id) ?? []);
  }

  pick(req: Requirements): ComfyBackend | null {
    return this.rank(req)[0] ?? null;
  }

  /**
   * Where a job with these needs can run, or why not (placement.ts). A model folder read more than
   * `MODEL_LIST_FRESH_MS` ago is read again before a file counts as missing (`recheck`).
   */
  place(req: Requirements): Placement<ComfyBackend> {
    const placement = this.pool.place(req, {
      now: this.clock.now(),
      freshMs: MODEL_LIST_FRESH_MS,
      launching: this.launcher.anyStarting,
      configured: this.o.records.list().some((r) => r.enabled) || this.launcher.anyActive,
      disabled: this.o.records
        .list()
        .filter((r) => !r.enabled)
        .map((r) => r.name || r.url),
    });
    if (placement.kind !== 'ready') return placement;
    return { kind: 'ready', backends: placement.backends.flatMap((v) => this.live.get(v.id) ?? []) };
  }

  /** Resolves when the online backends have reported their nodes and models (or after `timeoutMs`). */
  capabilitiesSettled(timeoutMs = 3_000): Promise<void> {
    return this.pool.settled(timeoutMs);
  }

  /** Read these model folders again (files added by hand or downloaded); 'changed' follows when something did. */
  async recheckModels(targets: ReadonlyArray<{ backendId: string; folders: readonly string[] }>): Promise<void> {
    await Promise.all(
      targets.map((t) =>
        this.pool
          .refreshFolders(t.backendId, t.folders)
          .catch((err: unknown) =>
            this.log.warn('reading model folders failed', { id: t.backendId, error: String(err) }),
          ),
      ),
    );
    this.info.forget();
    this.changed();
  }

  /** The range an INT input (e.g. a sampler's seed) accepts on the online backends, or null when unknown. */
  intRange(classType: string, input: string): IntRange | null {
    return this.pool.intRange(classType, input);
  }

  /** Subscribe to 'changed'; returns the unsubscribe function (the jobs engine's JobBackends shape). */
  onChange(listener: () => void): () => void {
    return this.on('changed', listener);
  }

  /** Subscribe to 'gone' (a backend will not come back: the launcher gave up on it). */
  onGone(listener: (backendId: string, reason: string) => void): () => void {
    return this.on('gone', listener);
  }

  summaries(): BackendSummary[] {
    return this.o.records.list().map((r) => this.summaryOf(r));
  }

  /** Online when an enabled backend is idle or busy; starting while one boots; none without any. */
  overallStatus(): HealthSummary['comfy']['status'] {
    const enabled = this.summaries().filter((b) => b.enabled);
    if (enabled.some((b) => isOnline(b.status))) return 'online';
    if (enabled.some((b) => b.status === 'starting') || this.launcher.anyStarting) return 'starting';
    return enabled.length === 0 ? 'none' : 'offline';
  }

  /**
   * Remember a ComfyUI by URL. It is probed first: something that is not ComfyUI, or nothing answering, is
   * refused with the reason unless `force` (then it is saved and used once it answers).
   */
  async add(input: NewBackendInput): Promise<BackendSummary> {
    const found = await checkNewBackend(input, this.o.records, this.o.auth !== undefined);
    this.o.auth?.set(found.url, found.auth);
    const { id } = this.o.records.ensure(found.url, found.kind, found.name);
    if (found.tlsPin) this.o.records.setTlsPin(id, found.tlsPin);
    const record = this.record(id);
    this.o.removed.forget(found.url);
    if (found.version) this.versions.set(record.id, found.version);
    if (this.started) this.startLive(record);
    this.changed();
    return this.summaryOf(record);
  }

  /** Change (or with null, remove) a backend's credentials; it reconnects with them. */
  async setAuth(id: string, auth: BackendAuth | null): Promise<BackendSummary> {
    const record = this.record(id);
    if (!this.o.auth) throw new ApiError({ code: 'unavailable', message: 'Credentials cannot be kept here.' });
    this.o.auth.set(record.url, auth);
    return this.reconnect(id);
  }

  /** Trust one certificate (SHA-256 fingerprint) of an https backend, or with null the system's trust again. */
  async trustCertificate(id: string, fingerprint: string | null): Promise<BackendSummary> {
    const record = this.record(id);
    if (fingerprint && !record.url.startsWith('https:'))
      throw new ApiError({ code: 'bad_request', message: `${record.url} is not https: it has no certificate.` });
    this.o.records.setTlsPin(id, fingerprint);
    return this.reconnect(id);
  }

  async remove(id: string): Promise<void> {
    const record = this.record(id);
    if (this.o.config.urls.includes(record.url)) {
      throw new ApiError({
        code: 'conflict',
        message: `${record.url} comes from the configuration (config.json or COMFYDESK_COMFY_URLS); remove it there, or disable it here.`,
      });
    }
    if (record.kind === 'launched' && this.launcher.ownerOf(id)?.launched.active) {
      throw new ApiError({ code: 'conflict', message: 'This is a ComfyUI that ComfyDesk launched; stop it first.' });
    }
    await this.forgetRecord(record);
  }

  async setEnabled(id: string, enabled: boolean): Promise<BackendSummary> {
    this.record(id);
    this.o.records.setEnabled(id, enabled);
    const record = this.record(id);
    if (!enabled) await this.stopLive(id);
    else if (this.started) this.startLive(record);
    this.changed();
    return this.summaryOf(record);
  }

  /** Ask ComfyUI to unload its models and free memory: one backend, or every online one. Returns who did. */
  async freeVram(backendId?: string): Promise<string[]> {
    const targets = backendId ? [this.liveOrThrow(backendId)] : this.list().filter((b) => isOnline(b.status));
    return freeVramOn(targets);
  }

  // ------------------------------------------------------------------------ launched ComfyUI (one per GPU)

  launchSettings(): LaunchSettings {
    return this.launcher.settings;
  }

  /** The launcher as a whole, with each instance. */
  launchStatus(): LauncherView {
    return this.launcher.status();
  }

  /** The log of every launched ComfyUI, or of `device`'s. */
  logTail(device?: number): DeviceLogLine[] {
    return this.launcher.logTail(device);
  }

  // --------------------------------------------------------------------------------------- internals

  /** Probe the usual local addresses; a ComfyUI found there is used (discover.ts: useFound). */
  private async discover(ours: (recordId: string) => boolean): Promise<number> {
    const urls = this.o.discoverUrls ?? DEFAULT_COMFY_URLS;
    if (urls.length === 0) return 0;
    const { found } = await findComfyUI({ defaults: urls, timeoutMs: 1500 });
    if (!this.started) return 0;
    return useFound(found, {
      ...{ records: this.o.records, removed: this.o.removed, log: this.log, ours },
      version: (id, version) => this.versions.set(id, version),
      startLive: (record) => this.startLive(record),
      changed: () => this.changed(),
    });
  }

  private startLive(record: BackendRecord): void {
    if (this.live.has(record.id)) return;
    const backend = new ComfyBackend({
      ...this.o.backend,
      id: record.id,
      url: record.url,
      clientId: record.clientId,
      auth: this.o.auth?.get(record.url) ?? null,
      tlsPin: record.tlsPin,
      clock: this.clock,
      logger: this.log,
    });
    this.live.set(record.id, backend);
    this.pool.add(backend, { kind: record.kind, name: record.name });
    let previous = backend.status;
    const off = backend.on('status', (status) => {
      const cameOnline = isOnline(status) && !isOnline(previous);
      previous = status;
      this.onStatus(backend, status, cameOnline);
    });
    // A new reason with the same status (e.g. "not reachable" became "did not answer in time") is news too.
    const offDetail = backend.on('detail', () => {
      if (this.live.get(backend.id) === backend) this.changed();
    });
    this.unsubscribe.set(record.id, () => {
      off();
      offDetail();
    });
    this.launcher.attached(record, backend);
    backend.start();
    this.emit('added', backend);
  }

  private async stopLive(id: string): Promise<void> {
    const backend = this.live.get(id);
    if (!backend) return;
    this.unsubscribe.get(id)?.();
    this.unsubscribe.delete(id);
    this.live.delete(id);
    this.pool.remove(id);
    if (this.started && backend.status !== 'offline') this.emit('status', id, 'offline');
    await backend.stop().catch(() => {});
  }

  /** `cameOnline`: offline/starting/error → idle/busy (not every idle ↔ busy change of a running job). */
  private onStatus(backend: ComfyBackend, status: BackendStatus, cameOnline: boolean): void {
    if (!this.started || this.live.get(backend.id) !== backend) return;
    if (cameOnline) {
      this.o.records.touch(backend.id);
      // Capabilities (the pool starts the fetch on connect; this joins it) and the version, once per connect.
      this.pool.refresh(backend.id).then(
        () => this.changed(),
        () => {},
      );
      backend.client.systemStats().then(
        (s) => {
          const version = s.system.comfyui_version;
          if (!version || this.versions.get(backend.id) === version) return;
          this.versions.set(backend.id, version);
          this.changed();
        },
        () => {},
      );
    }
    this.emit('status', backend.id, status);
    this.changed();
  }

  /** Connect a backend again with what is stored for it now (credentials, trusted certificate). */
  private async reconnect(id: string): Promise<BackendSummary> {
    if (this.live.has(id)) {
      await this.stopLive(id);
      const record = this.record(id);
      if (this.started && record.enabled) this.startLive(record);
    }
    this.changed();
    return this.summaryOf(this.record(id));
  }

  private changed(): void {
    if (this.started) this.emit('changed');
  }

  private summaryOf(r: BackendRecord): BackendSummary {
    const version = this.versions.get(r.id) ?? null;
    return backendSummary(r, this.live.get(r.id), version, this.o.auth?.kindOf(r.url) ?? 'none');
  }

  /** Forget a record: out of use and removed at once ('removed'), its live backend stopped. */
  private async forgetRecord(record: BackendRecord): Promise<void> {
    const stopping = this.stopLive(record.id);
    this.o.records.remove(record.id);
    this.versions.delete(record.id);
    this.launcher.forget(record.id);
    if (record.kind === 'local') this.o.removed.remember(record.url);
    this.emit('removed', record.id);
    this.changed();
    await stopping;
  }

  private record(id: string): BackendRecord {
    const r = this.o.records.get(id);
    if (!r) throw new ApiError({ code: 'not_found', message: `No ComfyUI backend with id ${id}.` });
    return r;
  }

  private liveOrThrow(id: string): ComfyBackend {
    const r = this.record(id);
    const b = this.live.get(id);
    if (!b) throw new ApiError({ code: 'unavailable', message: `"${r.name}" is disabled.` });
    if (!isOnline(b.status))
      throw new ApiError({
        code: 'unavailable',
        message: `"${r.name}" is ${b.status}${b.statusDetail ? `: ${b.statusDetail}` : ''}.`,
      });
    return b;
  }
}
