/**
 * What a ComfyBackend (backend.ts) knows of its ComfyUI's reachability — the last HTTP answer, the last failure
 * and whether it means "not a usable ComfyUI", booting — and the status derived from it, announced when it
 * changes (and the reason, when only that changed).
 */
import type { BackendProblem } from '@shared/api/health';
import type { CertificateInfo } from '../protocol/tls';
import type { BackendStatus } from './backend-types';
import { deriveStatus, describeFailure } from './tracked-prompts';

export type { BackendProblem };

export interface BackendHealthOptions {
  url: string;
  socket: { readonly connected: boolean; readonly mode: 'socket' | 'polling' };
  started(): boolean;
  /** Prompts running + pending on this ComfyUI, as last seen. */
  load(): number;
  onStatus(status: BackendStatus): void;
  onDetail(detail: string | null): void;
}

export class BackendHealth {
  /** The last HTTP call was answered by ComfyUI. */
  httpOk = false;
  /** start() called and no answer yet. */
  starting = false;
  /** The launcher said the process is booting. */
  launcherStarting = false;
  /** Why the status is offline/error, in words. */
  lastError: string | null = null;
  /** The last failure means "something answers, but not like a usable ComfyUI" (bad answers, 4xx on upgrade). */
  fatal = false;
  /** What kind of trouble `lastError` is. */
  problem: BackendProblem | null = null;
  /** The certificate refused as not trusted by the last failure. */
  certificate: CertificateInfo | null = null;
  private current: BackendStatus = 'offline';
  /** The reason last announced (with a status or a detail event). */
  private shownDetail: string | null = null;

  constructor(private readonly o: BackendHealthOptions) {}

  get status(): BackendStatus {
    return this.current;
  }

  /** The socket opened: ComfyUI is there and booted. */
  opened(): void {
    this.httpOk = true;
    this.starting = false;
    this.launcherStarting = false;
    this.clearFailure();
  }

  private clearFailure(): void {
    this.lastError = null;
    this.fatal = false;
    this.problem = null;
    this.certificate = null;
  }

  /** ComfyUI answered over HTTP. Returns whether a failure that said "not ComfyUI" was cleared by it. */
  answered(): boolean {
    this.httpOk = true;
    const wasFatal = this.fatal;
    this.clearFailure();
    return wasFatal;
  }

  /** A call failed: remember why (the status follows). Returns whether it means "not a usable ComfyUI". */
  failed(err: unknown): boolean {
    this.httpOk = false;
    this.starting = false;
    const { message, fatal, problem, certificate } = describeFailure(err, this.o.url);
    this.lastError = message;
    this.fatal = fatal;
    this.problem = problem;
    this.certificate = certificate;
    this.update();
    return fatal;
  }

  /** The socket opened, closed or changed mode (the status follows with update()). */
  socketChanged(): void {
    if (!this.o.socket.connected && this.o.socket.mode === 'socket') this.httpOk = false;
  }

  update(): void {
    const next = deriveStatus({
      started: this.o.started(),
      // An open socket does not make a server usable whose HTTP answers are not ComfyUI's.
      reachable: (this.o.socket.connected && !this.fatal) || this.httpOk,
      load: this.o.load(),
      starting: this.starting || this.launcherStarting,
      fatal: this.fatal,
    });
    const detailChanged = this.lastError !== this.shownDetail;
    this.shownDetail = this.lastError;
    if (next !== this.current) {
      this.current = next;
      this.o.onStatus(next);
    } else if (detailChanged) {
      this.o.onDetail(this.lastError);
    }
  }
}
