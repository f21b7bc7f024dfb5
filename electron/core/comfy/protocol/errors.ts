/**
 * Typed errors of the ComfyUI connection layer. Every failure that reaches a caller is a `ComfyError` whose
 * `message` is written for a person ("ComfyUI at http://… is not reachable — is it running?"), with a `kind`
 * a program can switch on and the original cause kept for logs.
 */
import { certificateErrorOf } from './tls';

export type ComfyErrorKind =
  /** Nothing answered: connection refused, DNS failure, socket reset before any answer. */
  | 'unreachable'
  /** Connected (or tried to) but the server did not answer in time. */
  | 'timeout'
  /** The server answered 4xx: the request was refused (validation error, 404, 413…). */
  | 'rejected'
  /** The server answered 5xx. */
  | 'server'
  /** The server answered 2xx with a body we could not understand. */
  | 'invalid-response';

export interface ComfyErrorOptions {
  /** Base URL of the ComfyUI the call went to. */
  url: string;
  /** HTTP method + path of the call, e.g. "POST /api/prompt". */
  request?: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** The server's body (trimmed) when it explains the failure. */
  body?: string;
  cause?: unknown;
}

export class ComfyError extends Error {
  override readonly name: string = 'ComfyError';
  readonly kind: ComfyErrorKind;
  readonly url: string;
  readonly request: string | undefined;
  readonly status: number | undefined;
  readonly body: string | undefined;

  constructor(kind: ComfyErrorKind, message: string, opts: ComfyErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.url = opts.url;
    this.request = opts.request;
    this.status = opts.status;
    this.body = opts.body;
  }
}

/** One problem ComfyUI found with one node of a submitted workflow. */
export interface ComfyNodeError {
  nodeId: string;
  classType: string;
  /** The input the problem is about, when ComfyUI names one. */
  inputName?: string;
  /** ComfyUI's error type, e.g. "value_not_in_list". */
  type: string;
  /** A readable sentence: ComfyUI's message plus its details. */
  message: string;
}

/** The top-level `error` object of a 400 answer from POST /prompt. */
export interface ComfyPromptErrorInfo {
  type: string;
  message: string;
  details: string;
}

/** POST /prompt answered 400: the workflow was refused before it was queued. */
export class ComfyValidationError extends ComfyError {
  override readonly name = 'ComfyValidationError';
  readonly errors: ComfyNodeError[];
  readonly error: ComfyPromptErrorInfo;

  constructor(error: ComfyPromptErrorInfo, errors: ComfyNodeError[], opts: ComfyErrorOptions) {
    super('rejected', describeValidation(error, errors), opts);
    this.error = error;
    this.errors = errors;
  }
}

export function describeValidation(error: ComfyPromptErrorInfo, errors: ComfyNodeError[]): string {
  const head = `ComfyUI refused the workflow: ${error.message || error.type}`;
  if (errors.length === 0) {
    return error.details ? `${head} (${error.details})` : head;
  }
  const lines = errors.map((e) => {
    const where = `node ${e.nodeId} (${e.classType})`;
    const input = e.inputName ? ` input "${e.inputName}"` : '';
    return `- ${where}${input}: ${e.message}`;
  });
  return `${head}\n${lines.join('\n')}`;
}

/** True for a ComfyError of one of the given kinds. */
export function isComfyError(err: unknown, ...kinds: ComfyErrorKind[]): err is ComfyError {
  return err instanceof ComfyError && (kinds.length === 0 || kinds.includes(err.kind));
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ABORT_ERR',
]);

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (err as { cause?: unknown }).cause;
  return cause === err ? undefined : errorCode(cause);
}

/**
 * Turn a network-level failure (undici / Node errors) into a readable ComfyError. Already-typed
 * ComfyErrors pass through unchanged.
 */
export function toNetworkError(err: unknown, url: string, request: string, timeoutMs: number): ComfyError {
  if (err instanceof ComfyError) return err;
  const untrusted = certificateErrorOf(err);
  if (untrusted) return new ComfyError('unreachable', untrusted.message, { url, request, cause: untrusted });
  const code = errorCode(err);
  const name = err instanceof Error ? err.name : '';
  if ((code && TIMEOUT_CODES.has(code)) || name === 'TimeoutError' || name === 'AbortError') {
    return new ComfyError(
      'timeout',
      `ComfyUI at ${url} did not answer within ${Math.round(timeoutMs / 100) / 10} s (${request}). It may be busy loading a model or stuck.`,
      { url, request, cause: err },
    );
  }
  if (code && UNREACHABLE_CODES.has(code)) {
    return new ComfyError('unreachable', `ComfyUI at ${url} is not reachable — is it running?`, {
      url,
      request,
      cause: err,
    });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new ComfyError('unreachable', `ComfyUI at ${url} is not reachable — is it running? (${detail})`, {
    url,
    request,
    cause: err,
  });
}
