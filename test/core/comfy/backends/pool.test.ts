import { describe, expect, it } from 'vitest';
import { placeJob, type PlacementContext } from '@core/comfy/backends/placement';
import {
  BackendPool,
  fetchCapabilities,
  pickBackend,
  rankBackends,
  type BackendCapabilities,
  type BackendStatus,
  type BackendView,
  type CapabilityClient,
  type PoolBackend,
  type Requirements,
} from '@core/comfy/backends/pool';
import { FakeClock as ManualClock } from '@test/helpers/fake-clock';

function caps(nodeClasses: string[], models: Record<string, string[]>): BackendCapabilities {
  return {
    nodeClasses: new Set(nodeClasses),
    models: new Map(Object.entries(models).map(([k, v]) => [k, new Set(v)])),
    modelsReadAt: new Map(Object.keys(models).map((k) => [k, 0])),
    intRanges: new Map(),
    fetchedAt: 0,
  };
}

/** Model lists read at time 0, and it is time 0: fresh. */
const ctx = (more: Partial<PlacementContext> = {}): PlacementContext => ({
  now: 0,
  freshMs: 10_000,
  readAt: () => 0,
  launching: false,
  configured: true,
  ...more,
});
const why = (backends: BackendView[], req: Requirements, more?: Partial<PlacementContext>) => {
  const p = placeJob(backends, req, ctx(more));
  return p.kind === 'ready' ? null : { kind: p.kind, reason: p.reason, hint: p.hint };
};

const FLUX_NODES = ['UNETLoader', 'DualCLIPLoader', 'FluxGuidance', 'SaveImage'];
const flux: Requirements = {
  nodeClasses: FLUX_NODES,
  models: [
    { folder: 'diffusion_models', file: 'flux1-dev.safetensors' },
    { folder: 'text_encoders', file: 't5xxl_fp16.safetensors' },
  ],
  preferModel: 'flux1-dev.safetensors',
};
const fluxCaps = () =>
  caps([...FLUX_NODES, 'KSampler'], {
    diffusion_models: ['flux1-dev.safetensors'],
    text_encoders: ['t5xxl_fp16.safetensors', 'clip_l.safetensors'],
  });

function view(
  id: string,
  status: BackendStatus,
  load: number,
  c: BackendCapabilities | null,
  lastModel?: string,
): BackendView {
  return { id, status, load, capabilities: c, ...(lastModel ? { lastModel } : {}) };
}

describe('pickBackend', () => {
  it('takes only online backends that have every class and model, least loaded first', () => {
    const backends = [
      view('busy2', 'busy', 2, fluxCaps()),
      view('off', 'offline', 0, fluxCaps()),
      view('err', 'error', 0, fluxCaps()),
      view('starting', 'starting', 0, fluxCaps()),
      view('nomodel', 'idle', 0, caps(FLUX_NODES, { diffusion_models: [], text_encoders: ['t5xxl_fp16.safetensors'] })),
      view('nocaps', 'idle', 0, null),
      view('busy1', 'busy', 1, fluxCaps()),
    ];
    expect(rankBackends(backends, flux).map((b) => b.id)).toEqual(['busy1', 'busy2']);
    expect(pickBackend(backends, flux)?.id).toBe('busy1');
  });

  it('breaks load ties by the last used main model, then by order added', () => {
    const a = view('a', 'idle', 0, fluxCaps(), 'sdxl.safetensors');
    const b = view('b', 'idle', 0, fluxCaps(), 'flux1-dev.safetensors');
    const c = view('c', 'idle', 0, fluxCaps());
    expect(rankBackends([a, b, c], flux).map((x) => x.id)).toEqual(['b', 'a', 'c']);
    // Load still comes first.
    const bBusy = { ...b, status: 'busy' as const, load: 1 };
    expect(rankBackends([a, bBusy, c], flux).map((x) => x.id)).toEqual(['a', 'c', 'b']);
    // Without a preferred model: order added.
    expect(pickBackend([c, a, b], { ...flux, preferModel: undefined })?.id).toBe('c');
    // Deterministic: same input, same answer.
    expect(pickBackend([a, b, c], flux)).toBe(pickBackend([a, b, c], flux));
  });

  it('matches Windows-style model paths and legacy folder names', () => {
    const win = view(
      'win',
      'idle',
      0,
      caps(['CheckpointLoaderSimple'], {
        checkpoints: ['sdxl/juggernaut.safetensors'],
        diffusion_models: ['f.safetensors'],
      }),
    );
    const req: Requirements = {
      nodeClasses: ['CheckpointLoaderSimple'],
      models: [
        { folder: 'checkpoints', file: 'sdxl\\juggernaut.safetensors' },
        { folder: 'unet', file: 'f.safetensors' },
      ],
    };
    expect(pickBackend([win], req)?.id).toBe('win');
  });

  it('a workflow with no requirements fits any online backend with known capabilities', () => {
    expect(pickBackend([view('x', 'idle', 0, caps([], {}))], { nodeClasses: [], models: [] })?.id).toBe('x');
  });
});

describe('placeJob: why a job cannot run', () => {
  it('is ready when a backend fits', () => {
    expect(placeJob([view('a', 'idle', 0, fluxCaps())], flux, ctx())).toMatchObject({ kind: 'ready' });
  });

  it('waits when there is no backend at all, none online, one starting, or none has reported yet', () => {
    expect(why([], flux)).toMatchObject({ kind: 'wait', reason: 'No ComfyUI is set up' });
    expect(
      why([{ ...view('home', 'offline', 0, null), name: 'home-pc' }, view('gpu-box', 'error', 0, fluxCaps())], flux),
    ).toMatchObject({ kind: 'wait', reason: 'No ComfyUI is online (home-pc: offline, gpu-box: error)' });
    expect(why([view('a', 'offline', 0, null)], flux, { launching: true })).toMatchObject({
      kind: 'wait',
      reason: 'Waiting for ComfyUI to start',
    });
    expect(why([view('a', 'idle', 0, null)], flux)).toMatchObject({ kind: 'wait', reason: 'Checking what a can run' });
  });

  it('names the model and node no backend has, and how to get them; waits while another may come back', () => {
    const noFlux = caps(['UNETLoader', 'DualCLIPLoader', 'SaveImage'], {
      diffusion_models: [],
      text_encoders: ['t5xxl_fp16.safetensors'],
    });
    expect(why([view('a', 'idle', 0, noFlux)], flux)).toEqual({
      kind: 'never',
      reason: 'No ComfyUI has flux1-dev.safetensors (diffusion_models); No ComfyUI has the node FluxGuidance',
      hint:
        "Download it on the Models page, or put the file in ComfyUI's models/diffusion_models folder. " +
        'Install the custom node that provides it (ComfyUI Manager can), then restart ComfyUI.',
    });
    // With another backend offline, the job waits for it (it may have them).
    expect(why([view('a', 'idle', 0, noFlux), view('b', 'offline', 0, null)], flux)).toMatchObject({
      kind: 'wait',
      reason:
        'No ComfyUI has flux1-dev.safetensors (diffusion_models); No ComfyUI has the node FluxGuidance; waiting for b (offline)',
    });
  });

  it('reads a stale model folder again before a file counts as missing', () => {
    const noFlux = caps(FLUX_NODES, { diffusion_models: [], text_encoders: ['t5xxl_fp16.safetensors'] });
    const p = placeJob([view('a', 'idle', 0, noFlux)], flux, ctx({ now: 60_000 }));
    expect(p).toMatchObject({
      kind: 'wait',
      why: 'checking',
      reason: 'Looking for flux1-dev.safetensors (diffusion_models) on ComfyUI',
      recheck: [{ backendId: 'a', folders: ['diffusion_models'] }],
    });
  });

  it('explains when the requirements are split across backends', () => {
    const onlyModel = caps(['SaveImage'], {
      diffusion_models: ['flux1-dev.safetensors'],
      text_encoders: ['t5xxl_fp16.safetensors'],
    });
    const onlyNodes = caps(FLUX_NODES, { diffusion_models: [], text_encoders: ['t5xxl_fp16.safetensors'] });
    expect(why([view('a', 'idle', 0, onlyModel), view('b', 'busy', 3, onlyNodes)], flux)).toMatchObject({
      kind: 'never',
      reason:
        'No single ComfyUI has everything (a lacks UNETLoader, DualCLIPLoader and FluxGuidance; b lacks flux1-dev.safetensors)',
    });
  });
});

class StubClient implements CapabilityClient {
  calls: string[] = [];
  constructor(
    private readonly classes: string[],
    private readonly files: Record<string, string[]>,
    private readonly folders: string[] | null = null,
  ) {}
  async objectInfo() {
    this.calls.push('object_info');
    return Object.fromEntries(this.classes.map((c) => [c, {}]));
  }
  async models(folder: string) {
    this.calls.push(`models/${folder}`);
    return this.files[folder] ?? [];
  }
  modelFolders = async () => {
    if (!this.folders) throw new Error('404');
    return this.folders;
  };
}

function member(id: string, client: CapabilityClient, state: { status: BackendStatus; load: number }): PoolBackend {
  return {
    id,
    kind: 'remote',
    client,
    get status() {
      return state.status;
    },
    load: () => state.load,
  };
}

describe('fetchCapabilities / BackendPool', () => {
  it('reads node classes and model files per folder (listed folders, minus non-model ones)', async () => {
    const client = new StubClient(
      ['KSampler', 'SaveImage'],
      { checkpoints: ['a\\b.safetensors'], loras: ['l.safetensors'] },
      ['checkpoints', 'loras', 'custom_nodes', 'configs'],
    );
    const clock = new ManualClock(42);
    const c = await fetchCapabilities(client, { clock });
    expect([...c.nodeClasses]).toEqual(['KSampler', 'SaveImage']);
    expect([...c.models.keys()].sort()).toEqual(['checkpoints', 'loras']);
    expect([...c.models.get('checkpoints')!]).toEqual(['a/b.safetensors']);
    expect(c.fetchedAt).toBe(42);
    expect(client.calls).not.toContain('models/custom_nodes');
  });

  it('falls back to the default folder list when GET /models fails', async () => {
    const client = new StubClient([], { upscale_models: ['x4.pth'] });
    const c = await fetchCapabilities(client);
    expect([...c.models.get('upscale_models')!]).toEqual(['x4.pth']);
    expect(c.models.has('checkpoints')).toBe(true);
  });

  it('caches capabilities per backend and picks with live status and load', async () => {
    const pool = new BackendPool();
    const s1 = { status: 'idle' as BackendStatus, load: 0 };
    const s2 = { status: 'idle' as BackendStatus, load: 0 };
    const full = new StubClient(
      FLUX_NODES,
      { diffusion_models: ['flux1-dev.safetensors'], text_encoders: ['t5xxl_fp16.safetensors'] },
      ['diffusion_models', 'text_encoders'],
    );
    const full2 = new StubClient(
      FLUX_NODES,
      { diffusion_models: ['flux1-dev.safetensors'], text_encoders: ['t5xxl_fp16.safetensors'] },
      ['diffusion_models', 'text_encoders'],
    );
    pool.add(member('one', full, s1));
    pool.add(member('two', full2, s2));
    expect(() => pool.add(member('one', full, s1))).toThrow(/already/);

    expect(pool.pick(flux)).toBeNull();
    expect(pool.place(flux, { now: 0, freshMs: 10_000, launching: false, configured: true })).toMatchObject({
      kind: 'wait',
      why: 'checking',
    });

    const [a, b] = [pool.refresh('one'), pool.refresh('one')];
    expect(a).toBe(b); // one shared fetch
    await a;
    expect(full.calls.filter((c) => c === 'object_info')).toHaveLength(1);
    expect(await pool.refreshAll()).toEqual({ one: 'ok', two: 'ok' });

    expect(pool.pick(flux)?.id).toBe('one');
    s1.status = 'busy';
    s1.load = 1;
    expect(pool.pick(flux)?.id).toBe('two');
    s2.load = 1;
    pool.noteJobStarted('two', 'flux1-dev.safetensors');
    expect(pool.pick(flux)?.id).toBe('two');
    pool.noteJobStarted('two', 'other.safetensors');
    expect(pool.pick(flux)?.id).toBe('one');

    pool.invalidate('one');
    expect(pool.capabilities('one')).toBeNull();
    expect(pool.pick(flux)?.id).toBe('two');
    expect(pool.remove('two')).toBe(true);
    expect(pool.pick(flux)).toBeNull();
    await expect(pool.refresh('nope')).rejects.toThrow(/no backend/);
  });

  it('reads some model folders again without refetching the rest (a file was downloaded)', async () => {
    const files: Record<string, string[]> = { diffusion_models: [], text_encoders: ['t5xxl_fp16.safetensors'] };
    const client = new StubClient(FLUX_NODES, files, ['diffusion_models', 'text_encoders']);
    const pool = new BackendPool();
    pool.add(member('one', client, { status: 'idle', load: 0 }));
    await pool.refresh('one');
    expect(pool.pick(flux)).toBeNull();
    files.diffusion_models = ['flux1-dev.safetensors'];
    client.calls.length = 0;
    await pool.refreshFolders('one', ['diffusion_models']);
    expect(client.calls).toEqual(['models/diffusion_models']);
    expect([...pool.capabilities('one')!.models.get('text_encoders')!]).toEqual(['t5xxl_fp16.safetensors']);
    expect(pool.pick(flux)?.id).toBe('one');
    await pool.refreshFolders('nope', ['loras']);
  });

  it('reports a failing refresh per backend without throwing', async () => {
    const pool = new BackendPool();
    const broken: CapabilityClient = {
      objectInfo: async () => {
        throw new Error('ComfyUI at http://x is not reachable');
      },
      models: async () => [],
    };
    pool.add(member('bad', broken, { status: 'idle', load: 0 }));
    pool.add(member('off', broken, { status: 'offline', load: 0 }));
    expect(await pool.refreshAll()).toEqual({ bad: 'ComfyUI at http://x is not reachable' });
  });
});

describe('BackendPool follows backend status events', () => {
  it('fetches capabilities when a backend comes online and forgets them when it goes offline', async () => {
    const listeners: Array<(s: BackendStatus) => void> = [];
    let status: BackendStatus = 'offline';
    let fetched!: () => void;
    const client = new StubClient(
      FLUX_NODES,
      { diffusion_models: ['flux1-dev.safetensors'], text_encoders: ['t5xxl_fp16.safetensors'] },
      ['diffusion_models', 'text_encoders'],
    );
    const origObjectInfo = client.objectInfo.bind(client);
    client.objectInfo = async () => {
      const r = await origObjectInfo();
      queueMicrotask(() => fetched?.());
      return r;
    };
    const backend: PoolBackend = {
      id: 'live',
      client,
      get status() {
        return status;
      },
      load: () => 0,
      on: (_event, fn) => {
        listeners.push(fn);
        return () => listeners.splice(listeners.indexOf(fn), 1);
      },
    };
    const pool = new BackendPool();
    pool.add(backend, { kind: 'launched', name: 'This PC' });
    expect(client.calls).toEqual([]); // offline: nothing fetched
    expect(pool.views()[0]).toMatchObject({ id: 'live', name: 'This PC', kind: 'launched', status: 'offline' });

    const done = new Promise<void>((r) => (fetched = r));
    status = 'idle';
    for (const l of listeners) l('idle');
    await done;
    await pool.refresh('live'); // settles the shared fetch
    expect(pool.pick(flux)?.id).toBe('live');

    status = 'offline';
    for (const l of listeners) l('offline');
    expect(pool.capabilities('live')).toBeNull();
    expect(pool.place(flux, { now: 0, freshMs: 10_000, launching: false, configured: true })).toMatchObject({
      kind: 'wait',
      reason: 'No ComfyUI is online (This PC: offline)',
    });

    pool.remove('live');
    expect(listeners).toHaveLength(0);
  });
});
