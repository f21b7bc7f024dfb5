/**
 * The workflows the bot offers, read from the core (`workflows.list`, `settings.get`) and kept current by its
 * events, so pickers, autocomplete and progress messages answer at once without a call per keystroke.
 */
import type { EventPayload, EventName } from '@shared/api';
import type { WorkflowEntry } from '@shared/api/templates';
import type { WorkflowKind, WorkflowManifest } from '@shared/workflow-manifest';
import type { Logger } from '../log';
import type { CoreCalls } from './core-client';

/** The core's events, as a listener sees them (the bot never emits any). */
export interface CoreEvents {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export class WorkflowCatalog {
  private entries: WorkflowEntry[] = [];
  private defaultId: string | null = null;
  private loading: Promise<void> | null = null;
  private readonly off: Array<() => void> = [];

  constructor(
    private readonly core: CoreCalls,
    events: CoreEvents,
    private readonly logger: Logger,
  ) {
    this.off.push(events.on('workflows.changed', () => void this.refresh()));
    this.off.push(
      events.on('settings.changed', (s) => {
        this.defaultId = s.defaults.workflow;
      }),
    );
  }

  /** Load now (and again after a change); concurrent calls share one load. */
  refresh(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const [entries, settings] = await Promise.all([
          this.core.call('workflows.list', {}),
          this.core.call('settings.get', {}),
        ]);
        this.entries = entries;
        this.defaultId = settings.defaults.workflow;
      } catch (err) {
        this.logger.warn('could not read the workflows', { error: err instanceof Error ? err.message : String(err) });
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  dispose(): void {
    for (const off of this.off.splice(0)) off();
  }

  list(): WorkflowManifest[] {
    return this.entries.map((e) => e.manifest);
  }

  get(id: string): WorkflowManifest | undefined {
    return this.entries.find((e) => e.manifest.id === id)?.manifest;
  }

  byKind(kind: WorkflowKind): WorkflowManifest[] {
    return this.list().filter((m) => m.kind === kind);
  }

  /** The default workflow setting (the desktop's choice for /generate without a workflow). */
  preferred(): string | null {
    return this.defaultId;
  }

  title(id: string): string {
    return this.get(id)?.title ?? id;
  }
}
