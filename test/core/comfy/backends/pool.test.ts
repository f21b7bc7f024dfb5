import { describe, expect, it } from 'vitest';
import {
  BackendPool,
  explainNoBackend,
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
    fetchedAt: 0,
  };
}

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

describe('explainNoBackend', () => {
  it('is null when a backend fits', () => {
    expect(explainNoBackend([view('a', 'idle', 0, fluxCaps())], flux)).toBeNull();
  });

  it('says when there is no backend at all, or none online', () => {
    expect(explainNoBackend([], flux)).toBe('No ComfyUI backend is set up.');
    expect(
      explainNoBackend(
        [{ ...view('home', 'offline', 0, null), name: 'home-pc' }, view('gpu-box', 'error', 0, fluxCaps())],
        flux,
      ),
    ).toBe('No ComfyUI backend is online (home-pc: offline, gpu-box: error).');
    expect(explainNoBackend([view('a', 'idle', 0, null)], flux)).toBe(
      'The online backends have not reported their nodes and models yet (a).',
    );
  });

  it('names the model and node no backend has', () => {
    const noFlux = caps(['UNETLoader', 'DualCLIPLoader', 'SaveImage'], {
      diffusion_models: [],
      text_encoders: ['t5xxl_fp16.safetensors'],
    });
    const msg = explainNoBackend([view('a', 'idle', 0, noFlux), view('b', 'offline', 0, null)], flux);
    expect(msg).toBe(
      'No backend has flux1-dev.safetensors (models/diffusion_models). ' +
        'No backend has the node FluxGuidance (a custom node may be missing). Not online: b (offline).',
    );
  });

  it('explains when the requirements are split across backends', () => {
    const onlyModel = caps(['SaveImage'], {
      diffusion_models: ['flux1-dev.safetensors'],
      text_encoders: ['t5xxl_fp16.safetensors'],
    });
    const onlyNodes = caps(FLUX_NODES, { diffusion_models: [], text_encoders: ['t5xxl_fp16.safetensors'] });
    const msg = explainNoBackend([view('a', 'idle', 0, onlyModel), view('b', 'busy', 3, onlyNodes)], flux);
    expect(msg).toBe(
      'No single backend has everything: a lacks UNETLoader, DualCLIPLoader and FluxGuidance; b lacks flux1-dev.safetensors.',
    );
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
    expect(pool.explainNoBackend(flux)).toContain('have not reported');

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
    expect(pool.explainNoBackend(flux)).toBe('No ComfyUI backend is online (This PC: offline).');

    pool.remove('live');
    expect(listeners).toHaveLength(0);
  });
});
