/**
 * Hostile inputs for every API method: whole inputs of the wrong kind, and a near-valid base input per method
 * with one field at a time replaced by junk (wrong types, huge strings, odd numbers, nested junk,
 * prototype-pollution keys, path tricks, SQL/FTS syntax), plus missing and extra fields. Inputs are JSON text
 * so that `__proto__` and `constructor` arrive as own keys, as they would from a real client.
 */
import { methodNames, type MethodName } from '@shared/api';

/** A valid-looking input per method that has required fields, pointing at things that do not exist. */
export const baseInputs: Partial<Record<MethodName, Record<string, unknown>>> = {
  'settings.set': { theme: 'dark' },
  'health.run': { backendId: 'no-such-backend' },
  'backends.add': { url: 'http://127.0.0.1:9', force: false },
  'backends.remove': { id: 'no-such-backend' },
  'backends.setEnabled': { id: 'no-such-backend', enabled: true },
  'backends.setAuth': { id: 'no-such-backend', auth: null },
  'backends.refresh': { id: 'no-such-backend' },
  'comfy.freeVram': { backendId: 'no-such-backend' },
  'comfy.setLaunchSettings': { launchPath: '/no/such/comfyui' },
  'jobs.submit': { workflow: 'sdxl-txt2img', prompt: 'a fox', params: { steps: 4 } },
  'jobs.get': { id: 'no-such-job' },
  'jobs.list': { limit: 5 },
  'jobs.cancel': { id: 'no-such-job' },
  'jobs.clearUser': { userId: 'nobody' },
  'jobs.rerun': { id: 'no-such-job' },
  'jobs.uploadInput': { filename: 'in.png', dataBase64: 'aGVsbG8=' },
  'queue.pause': { paused: false },
  'library.search': { text: 'fox', limit: 5 },
  'library.get': { id: 424242 },
  'library.favourite': { id: 424242, favourite: true },
  'library.delete': { ids: [424242] },
  'library.reveal': { id: 424242 },
  'templates.list': { guildId: '123456789' },
  'templates.save': { name: 'fuzz', workflow: 'sdxl-txt2img', params: {} },
  'templates.delete': { id: 424242 },
  'workflows.propose': { fileName: 'wf.json', text: '{}' },
  'workflows.import': { manifest: {}, workflow: {} },
  'workflows.check': { manifest: {}, workflow: {} },
  'workflows.remove': { id: 'no-such-workflow' },
  'workflows.export': { id: 'no-such-workflow' },
  'workflows.validate': { id: 'sdxl-txt2img' },
  'bot.setToken': { token: 'not-a-token' },
  'bot.invite': { guildId: '123456789' },
  'bot.updateGuild': { id: '123456789' },
  'models.destination': { backendId: 'no-such-backend', folder: 'checkpoints' },
  'downloads.start': { entry: { folder: 'checkpoints', file: 'no-such-model.safetensors' } },
  'downloads.cancel': { id: 'no-such-download' },
  'downloads.setToken': { service: 'huggingface', token: 'not-a-token' },
  'downloads.clearToken': { service: 'civitai' },
  'setup.mark': { step: 'models', state: 'skipped' },
  'jobs.queue': { limit: 5 },
  'data.restore': { from: 'file', path: '/no/such/backup.db' },
  'data.importPreview': { content: '{"format":"comfydesk-export"}' },
  'data.import': { content: '{"format":"comfydesk-export"}' },
  'data.retentionPreview': { rules: [{ id: 'r', scope: 'all', olderThanDays: 3 }] },
};

const deep = (depth: number, open: string, close: string, leaf = '1') =>
  open.repeat(depth) + leaf + close.repeat(depth);

/** Junk values as JSON text, each with a label for the failure report. */
export const junkValues: [label: string, json: string][] = [
  ['null', 'null'],
  ['-1', '-1'],
  ['-0', '-0'],
  ['1.5', '1.5'],
  ['1e308', '1e308'],
  ['-1e308', '-1e308'],
  ['2^53+1', '9007199254740993'],
  ['empty string', '""'],
  ['blank', '"   "'],
  ['100k string', JSON.stringify('x'.repeat(100_000))],
  ['control chars', JSON.stringify('\u0000\u0007\uFFFF\uD800')],
  ['path traversal', JSON.stringify('../../../../etc/passwd')],
  ['absolute path', JSON.stringify('/etc/passwd')],
  ['sql', JSON.stringify(`' OR 1=1; DROP TABLE jobs; --`)],
  ['fts syntax', JSON.stringify('NEAR("a" b) AND OR * " ^ col:x')],
  ['true', 'true'],
  ['empty array', '[]'],
  ['array of junk', '[null, {}, [], "x", -1]'],
  ['empty object', '{}'],
  ['__proto__ object', '{"__proto__": {"polluted": "yes"}}'],
  ['constructor object', '{"constructor": {"prototype": {"polluted": "yes"}}}'],
  ['deep object', deep(200, '{"a":', '}')],
];

/** Whole inputs of the wrong kind (undefined = the frame has no input). */
export const wholeInputs: [label: string, json: string | undefined][] = [
  ['no input', undefined],
  ['null', 'null'],
  ['0', '0'],
  ['-1', '-1'],
  ['string', '"hello"'],
  ['true', 'true'],
  ['empty array', '[]'],
  ['array of objects', '[{}, {}]'],
  ['empty object', '{}'],
  ['1 MB string', JSON.stringify('y'.repeat(1024 * 1024))],
  ['deep array', deep(2000, '[', ']')],
  ['deep object', deep(2000, '{"a":', '}')],
  ['__proto__ key', '{"__proto__": {"polluted": "yes"}}'],
  ['constructor key', '{"constructor": {"prototype": {"polluted": "yes"}}}'],
  ['toString key', '{"toString": 1, "hasOwnProperty": 2, "valueOf": 3}'],
];

/** Every hostile case for one method: [label, input JSON]. */
export function hostileCases(method: MethodName): [string, string | undefined][] {
  const cases: [string, string | undefined][] = [...wholeInputs];
  const base = baseInputs[method];
  if (!base) return cases;
  const baseJson = JSON.stringify(base);
  const withField = (key: string, json: string) =>
    `${baseJson.slice(0, -1)}${Object.keys(base).length ? ',' : ''}${JSON.stringify(key)}:${json}}`;
  cases.push(['base + extra field', withField('extraField', '1')]);
  cases.push(['base + __proto__', withField('__proto__', '{"polluted":"yes"}')]);
  cases.push(['base + constructor', withField('constructor', '{"prototype":{"polluted":"yes"}}')]);
  for (const key of Object.keys(base)) {
    const rest = Object.fromEntries(Object.entries(base).filter(([k]) => k !== key));
    cases.push([`missing ${key}`, JSON.stringify(rest)]);
    for (const [label, json] of junkValues) {
      // `true` is a valid value for a boolean field, not junk.
      if (typeof base[key] === 'boolean' && json === 'true') continue;
      // The junk replaces the key's value (a later duplicate key wins in JSON.parse).
      cases.push([
        `${key} = ${label}`,
        `${JSON.stringify(rest).slice(0, -1)}${Object.keys(rest).length ? ',' : ''}${JSON.stringify(key)}:${json}}`,
      ]);
    }
  }
  return cases;
}

/** Extra hostile values reaching handlers through fields the schemas leave open (records, unknowns, ids). */
export const semanticCases: [MethodName, string, unknown][] = [
  ['jobs.submit', 'unknown param', { workflow: 'sdxl-txt2img', params: { nope: 1 } }],
  ['jobs.submit', 'param of wrong type', { workflow: 'sdxl-txt2img', params: { steps: 'many', cfg: {}, width: -5 } }],
  [
    'jobs.submit',
    'param __proto__',
    JSON.parse('{"workflow":"sdxl-txt2img","params":{"__proto__":{"polluted":"yes"}}}'),
  ],
  [
    'jobs.submit',
    'missing input image file',
    { workflow: 'sdxl-txt2img', inputs: [{ slot: 0, path: '/etc/passwd', filename: 'x.png' }] },
  ],
  [
    'jobs.submit',
    'input image traversal',
    { workflow: 'sdxl-txt2img', inputs: [{ slot: 0, path: '../../../etc/passwd', filename: '../x.png' }] },
  ],
  ['jobs.submit', 'unknown workflow', { workflow: '../../etc/passwd' }],
  [
    'jobs.uploadInput',
    'not an image',
    { filename: 'in.png', dataBase64: Buffer.from('not an image').toString('base64') },
  ],
  ['jobs.uploadInput', 'invalid base64', { filename: 'in.png', dataBase64: '!!!!****' }],
  ['jobs.uploadInput', 'traversal filename', { filename: '../../../evil.png', dataBase64: 'iVBORw0KGgo=' }],
  ['jobs.uploadInput', 'NUL filename', { filename: 'a\u0000.png', dataBase64: 'iVBORw0KGgo=' }],
  ['jobs.uploadInput', 'slash filename', { filename: '/', dataBase64: 'iVBORw0KGgo=' }],
  ['templates.save', 'unknown workflow', { name: 'x', workflow: 'nope' }],
  ['templates.save', 'param junk', { name: 'x', workflow: 'sdxl-txt2img', params: { steps: [1, 2], width: 'wide' } }],
  [
    'templates.save',
    'param __proto__',
    JSON.parse('{"name":"x","workflow":"sdxl-txt2img","params":{"__proto__":{"steps":1}}}'),
  ],
  ['templates.save', 'shared without guild', { name: 'x', workflow: 'sdxl-txt2img', shared: true }],
  ['templates.save', 'unknown guild', { name: 'x', workflow: 'sdxl-txt2img', guildId: '123456789' }],
  ['templates.save', 'unknown id', { id: 424242, name: 'x', workflow: 'sdxl-txt2img' }],
  ['workflows.propose', 'not json', { fileName: 'wf.json', text: 'not json {' }],
  ['workflows.propose', 'json array', { fileName: 'wf.json', text: '[1,2,3]' }],
  ['workflows.propose', 'json null', { fileName: 'wf.json', text: 'null' }],
  ['workflows.propose', 'junk nodes', { fileName: 'wf.json', text: '{"1":{"class_type":5,"inputs":"x"},"2":null}' }],
  [
    'workflows.propose',
    'proto nodes',
    { fileName: 'wf.json', text: '{"__proto__":{"class_type":"KSampler","inputs":{}}}' },
  ],
  ['workflows.propose', 'deep json', { fileName: 'wf.json', text: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }],
  [
    'workflows.propose',
    'garbage png',
    { fileName: 'wf.png', base64: Buffer.from('\x89PNG\r\n\x1a\ngarbage').toString('base64') },
  ],
  ['workflows.propose', 'invalid base64', { fileName: 'wf.png', base64: '%%%%' }],
  ['workflows.propose', 'both text and base64', { fileName: 'wf.json', text: '{}', base64: 'e30=' }],
  ['workflows.import', 'junk manifest', { manifest: { id: 5, parameters: 'x' }, workflow: [] }],
  ['workflows.import', 'null parts', { manifest: null, workflow: null }],
  ['workflows.import', 'bundled id', { manifest: { id: 'sdxl-txt2img' }, workflow: {} }],
  [
    'workflows.import',
    'traversal id',
    {
      manifest: { id: '../../evil', name: 'x', parameters: [], images: [] },
      workflow: { '1': { class_type: 'X', inputs: {} } },
    },
  ],
  ['workflows.import', 'deep manifest', { manifest: JSON.parse(deep(3000, '{"a":', '}')), workflow: {} }],
  ['workflows.remove', 'bundled workflow', { id: 'sdxl-txt2img' }],
  ['workflows.remove', 'traversal id', { id: '../../..' }],
  ['workflows.remove', 'dot id', { id: '.' }],
  ['workflows.export', 'traversal id', { id: '../../../etc/passwd' }],
  ['workflows.validate', 'unknown backend', { id: 'sdxl-txt2img', backendId: 'nope' }],
  ['comfy.setLaunchSettings', 'reserved flag', { extraArgs: ['--port=1'] }],
  ['comfy.setLaunchSettings', 'launch path is a file', { launchPath: '/etc/passwd' }],
  ['comfy.setLaunchSettings', 'NUL in launch path', { launchPath: '/tmp/\u0000x' }],
  ['backends.add', 'not a url', { url: 'not a url' }],
  ['data.restore', 'not a backup name', { from: 'backup', name: '../../comfydesk.db' }],
  ['data.restore', 'a file that is not a database', { from: 'file', path: '/etc/passwd' }],
  ['data.import', 'an export with junk parts', { content: '{"format":"comfydesk-export","version":1,"settings":5}' }],
  ['data.import', 'deep json', { content: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }],
  ['data.retentionPreview', 'a rule without limits', { rules: [{ id: 'r', scope: 'all' }] }],
  ['backends.add', 'file url', { url: 'file:///etc/passwd' }],
  ['backends.add', 'javascript url', { url: 'javascript:alert(1)' }],
  ['backends.add', 'bad port', { url: 'http://127.0.0.1:99999' }],
  ['backends.add', 'credentials in url', { url: 'http://user:pass@127.0.0.1:9' }],
  ['backends.add', 'bracket host', { url: 'http://[::1' }],
  ['library.search', 'fts quote', { text: '"' }],
  ['library.search', 'fts operators', { text: 'AND OR NOT NEAR(' }],
  ['library.search', 'fts column', { text: 'prompt:fox*' }],
  ['library.search', 'reversed range', { from: 10, to: -10 }],
  ['library.search', 'after junk', { after: { createdAt: -1e308, id: -5 } }],
  ['library.delete', '1000 ids', { ids: Array.from({ length: 1000 }, (_, i) => i + 1) }],
  ['library.get', 'max safe id', { id: Number.MAX_SAFE_INTEGER }],
  ['jobs.list', 'unknown status', { statuses: ['exploded'] }],
  ['jobs.submit', '100k param name', { workflow: 'sdxl-txt2img', params: { ['p'.repeat(100_000)]: 1 } }],
  ['templates.save', '100k param name', { name: 'x', workflow: 'sdxl-txt2img', params: { ['p'.repeat(100_000)]: 1 } }],
  ['bot.updateGuild', 'roles for unknown guild', { id: '123456789', roles: [{ roleId: '123456', level: 'admin' }] }],
  ['bot.setToken', 'Bot prefix junk', { token: 'Bot ' }],
  ['bot.setToken', 'three dots', { token: 'a.b.c' }],
];

export { methodNames };
