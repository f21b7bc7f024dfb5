/**
 * POST /prompt validation as `execution.py` validate_prompt / validate_inputs does it, for everything that
 * can be checked from /object_info (comfyui-api.md section 1, "Response 400"). Error objects keep the real
 * shapes and texts (see http-capture.json, phase "invalid").
 */
type Json = unknown;

export interface ErrorOut {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, Json>;
}
export interface NodeErrorOut {
  errors: ErrorOut[];
  dependent_outputs: string[];
  class_type: string;
}
export type ValidationResult =
  | { ok: true; outputs: string[]; nodeErrors: Record<string, NodeErrorOut> }
  | { ok: false; error: ErrorOut; nodeErrors: Record<string, NodeErrorOut> };

export interface ValidateOptions {
  partialTargets?: string[] | null;
  /** LoadImage's VALIDATE_INPUTS: does this (possibly annotated) input file exist? */
  inputFileExists(name: string): boolean;
}

interface NodeDef {
  input?: { required?: Record<string, unknown[]>; optional?: Record<string, unknown[]> };
  output?: string[];
  output_node?: boolean;
}
type Graph = Record<string, { class_type?: unknown; inputs?: Record<string, Json> } | undefined>;
type Verdict = [boolean, ErrorOut[]];

/** A Python exception raised while validating (becomes exception_during_validation). */
class PyError extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
  }
}

/** Python `repr()` for the scalars and lists that appear in details strings. */
export function pyRepr(v: Json): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, Json>)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** Python `str()` (a str prints bare). */
function pyStr(v: Json): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

function pyInt(v: Json): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[-+]?\d+(_\d+)*\s*$/.test(v)) return Number.parseInt(v.replace(/_/g, ''), 10);
  if (typeof v === 'string') throw new PyError('ValueError', `invalid literal for int() with base 10: ${pyRepr(v)}`);
  const tn = v === null ? 'NoneType' : Array.isArray(v) ? 'list' : 'dict';
  throw new PyError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${tn}'`);
}

function pyFloat(v: Json): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v.trim()))) return Number(v.trim());
  if (typeof v === 'string') throw new PyError('ValueError', `could not convert string to float: ${pyRepr(v)}`);
  const tn = v === null ? 'NoneType' : Array.isArray(v) ? 'list' : 'dict';
  throw new PyError('TypeError', `float() argument must be a string or a real number, not '${tn}'`);
}

function fmtNumber(v: number, isFloat: boolean): string {
  return isFloat && Number.isInteger(v) ? `${v}.0` : String(v);
}

/** validate_node_input (non-strict): "*" matches anything; comma lists match when they intersect. */
function typesCompatible(received: string, expected: unknown): boolean {
  if (Array.isArray(expected)) return received === 'COMBO' || received === '*';
  if (typeof expected !== 'string') return false;
  if (received === expected || received === '*' || expected === '*') return true;
  const r = received.split(',').map((t) => t.trim());
  const e = new Set(expected.split(',').map((t) => t.trim()));
  return r.some((t) => e.has(t));
}

function validateNode(
  graph: Graph,
  id: string,
  info: Record<string, NodeDef | undefined>,
  validated: Map<string, Verdict>,
  opts: ValidateOptions,
): Verdict {
  const seen = validated.get(id);
  if (seen) return seen;
  const node = graph[id]!;
  const def = info[node.class_type as string] ?? {};
  if (node.inputs === undefined || node.inputs === null || typeof node.inputs !== 'object') {
    throw new PyError('KeyError', "'inputs'");
  }
  const inputs = node.inputs;
  const errors: ErrorOut[] = [];
  let valid = true;
  const groups: ['required' | 'optional', Record<string, unknown[]>][] = [
    ['required', def.input?.required ?? {}],
    ['optional', def.input?.optional ?? {}],
  ];
  for (const [category, specs] of groups) {
    for (const [x, spec] of Object.entries(specs)) {
      const inputType = spec[0];
      const extra = (spec[1] ?? {}) as Record<string, Json>;
      const config: Json = [inputType, extra];
      if (!(x in inputs)) {
        if (category === 'required') {
          errors.push({
            type: 'required_input_missing',
            message: 'Required input is missing',
            details: x,
            extra_info: { input_name: x },
          });
        }
        continue;
      }
      let val = inputs[x];
      if (Array.isArray(val)) {
        if (val.length !== 2) {
          errors.push({
            type: 'bad_linked_input',
            message: 'Bad linked input, must be a length-2 list of [node_id, slot_index]',
            details: x,
            extra_info: { input_name: x, input_config: config, received_value: val },
          });
          continue;
        }
        const srcId = val[0] as Json;
        const src = typeof srcId === 'string' ? graph[srcId] : undefined;
        if (!src) throw new PyError('KeyError', pyRepr(srcId));
        const outputs = info[src.class_type as string]?.output ?? [];
        const slot = typeof val[1] === 'number' ? val[1] : Number.NaN;
        const receivedType = outputs[slot];
        if (receivedType === undefined) throw new PyError('IndexError', 'tuple index out of range');
        if (!typesCompatible(receivedType, inputType)) {
          errors.push({
            type: 'return_type_mismatch',
            message: 'Return type mismatch between linked nodes',
            details: `${x}, received_type(${receivedType}) mismatch input_type(${pyStr(inputType)})`,
            extra_info: { input_name: x, input_config: config, received_type: receivedType, linked_node: val },
          });
          continue;
        }
        const [ok] = validateNode(graph, srcId as string, info, validated, opts);
        if (!ok) valid = false;
        continue;
      }
      if (val !== null && typeof val === 'object' && '__value__' in (val as object)) {
        val = (val as Record<string, Json>)['__value__'];
      }
      try {
        if (inputType === 'INT') val = pyInt(val);
        if (inputType === 'FLOAT') val = pyFloat(val);
        if (inputType === 'STRING') val = pyStr(val);
        if (inputType === 'BOOLEAN') val = Boolean(val);
      } catch (e) {
        const ex = e instanceof Error ? e.message : String(e);
        errors.push({
          type: 'invalid_input_type',
          message: `Failed to convert an input value to a ${pyStr(inputType)} value`,
          details: `${x}, ${pyStr(val)}, ${ex}`,
          extra_info: { input_name: x, input_config: config, received_value: val, exception_message: ex },
        });
        continue;
      }
      // LoadImage defines VALIDATE_INPUTS(image): the built-in checks are skipped for that input.
      if ((node.class_type === 'LoadImage' || node.class_type === 'LoadImageMask') && x === 'image') {
        if (!opts.inputFileExists(String(val))) {
          errors.push({
            type: 'custom_validation_failed',
            message: 'Custom validation failed for node',
            details: `${x} - Invalid image file: ${String(val)}`,
            extra_info: { input_name: x },
          });
        }
        continue;
      }
      const isFloat = inputType === 'FLOAT';
      if (typeof val === 'number' && typeof extra['min'] === 'number' && val < extra['min']) {
        errors.push({
          type: 'value_smaller_than_min',
          message: `Value ${fmtNumber(val, isFloat)} smaller than min of ${String(extra['min'])}`,
          details: x,
          extra_info: { input_name: x, input_config: config, received_value: val },
        });
        continue;
      }
      if (typeof val === 'number' && typeof extra['max'] === 'number' && val > extra['max']) {
        errors.push({
          type: 'value_bigger_than_max',
          message: `Value ${fmtNumber(val, isFloat)} bigger than max of ${String(extra['max'])}`,
          details: x,
          extra_info: { input_name: x, input_config: config, received_value: val },
        });
        continue;
      }
      // V1 combos are checked; V3 "COMBO" values are not checked at /prompt time (section 1, "Combos").
      if (Array.isArray(inputType) && !inputType.some((o) => o === val)) {
        const long = inputType.length > 20;
        errors.push({
          type: 'value_not_in_list',
          message: 'Value not in list',
          details: `${x}: '${pyStr(val)}' not in ${long ? `(list of length ${inputType.length})` : pyRepr(inputType)}`,
          extra_info: { input_name: x, input_config: long ? null : config, received_value: val },
        });
        continue;
      }
    }
  }
  const verdict: Verdict = errors.length > 0 || !valid ? [false, errors] : [true, []];
  validated.set(id, verdict);
  return verdict;
}

function err(type: string, message: string, details: string): ErrorOut {
  return { type, message, details, extra_info: {} };
}

export function validatePrompt(
  prompt: Record<string, unknown>,
  objectInfo: Record<string, unknown>,
  opts: ValidateOptions,
): ValidationResult {
  const graph = prompt as Graph;
  const info = objectInfo as Record<string, NodeDef | undefined>;
  const outputs: string[] = [];
  for (const [id, node] of Object.entries(graph)) {
    const cls = node && typeof node === 'object' ? node.class_type : undefined;
    if (typeof cls !== 'string') {
      return {
        ok: false,
        nodeErrors: {},
        error: err(
          'invalid_prompt',
          'Cannot execute because a node is missing the class_type property.',
          `Node ID '#${id}'`,
        ),
      };
    }
    if (!info[cls]) {
      return {
        ok: false,
        nodeErrors: {},
        error: err('invalid_prompt', `Cannot execute because node ${cls} does not exist.`, `Node ID '#${id}'`),
      };
    }
    const targeted = !opts.partialTargets || opts.partialTargets.includes(id);
    if (info[cls]!.output_node === true && targeted) outputs.push(id);
  }
  if (outputs.length === 0)
    return { ok: false, nodeErrors: {}, error: err('prompt_no_outputs', 'Prompt has no outputs', '') };

  const good: string[] = [];
  const outputErrors: ErrorOut[] = [];
  const nodeErrors: Record<string, NodeErrorOut> = {};
  const validated = new Map<string, Verdict>();
  for (const o of outputs) {
    let verdict: Verdict;
    try {
      verdict = validateNode(graph, o, info, validated, opts);
    } catch (e) {
      // A link cycle recurses until Python gives up: RecursionError.
      const cycle = e instanceof RangeError;
      const pyType = e instanceof PyError ? e.pyType : cycle ? 'RecursionError' : 'Exception';
      const message = cycle ? 'maximum recursion depth exceeded' : e instanceof Error ? e.message : String(e);
      verdict = [
        false,
        [
          {
            type: 'exception_during_validation',
            message: 'Exception when validating node',
            details: message,
            extra_info: { exception_type: pyType, traceback: [] },
          },
        ],
      ];
      validated.set(o, verdict);
    }
    if (verdict[0]) {
      good.push(o);
      continue;
    }
    outputErrors.push(...verdict[1]);
    // Every invalid node that has its own reasons gets this output in dependent_outputs (as the server does).
    for (const [nodeId, [ok, reasons]] of validated) {
      if (ok || reasons.length === 0) continue;
      nodeErrors[nodeId] ??= { errors: reasons, dependent_outputs: [], class_type: String(graph[nodeId]?.class_type) };
      nodeErrors[nodeId]!.dependent_outputs.push(o);
    }
  }
  if (good.length === 0) {
    // `details` lists only the output nodes' own errors: "" when the bad input is upstream (http-capture.json).
    const details = outputErrors.map((e) => `${e.message}: ${e.details}`).join('\n');
    return {
      ok: false,
      nodeErrors,
      error: err('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details),
    };
  }
  return { ok: true, outputs: good, nodeErrors };
}
