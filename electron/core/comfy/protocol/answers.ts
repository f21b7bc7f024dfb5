/**
 * Reading ComfyUI's HTTP answers for ComfyClient (client.ts): status checks into readable ComfyErrors, JSON
 * parsed with zod, and POST /prompt's 400 body into a ComfyValidationError naming each node and input.
 */
import type { z } from 'zod';
import { ComfyError, ComfyValidationError, type ComfyNodeError } from './errors';
import { PromptErrorBodySchema } from './http-schemas';
import { refusedMessage } from './auth';

/** Status and body text of one HTTP answer. */
export interface RawAnswer {
  status: number;
  text: string;
}

/** Turns answers of the ComfyUI at `url` into values or readable errors. */
export class AnswerReader {
  constructor(
    private readonly url: string,
    /** Credentials are sent (so a 401/403 means they are wrong, not missing). */
    private readonly withAuth = false,
  ) {}

  expectOk(ans: RawAnswer, req: string): string {
    if (ans.status >= 200 && ans.status < 300) return ans.text;
    const body = ans.text.slice(0, 2000);
    if (ans.status >= 500) {
      throw new ComfyError(
        'server',
        `ComfyUI at ${this.url} failed with an internal error (${ans.status}) on ${req}.`,
        {
          url: this.url,
          request: req,
          status: ans.status,
          body,
        },
      );
    }
    if (ans.status === 401 || ans.status === 403) {
      throw new ComfyError('rejected', refusedMessage(this.url, ans.status, this.withAuth), {
        url: this.url,
        request: req,
        status: ans.status,
        body,
      });
    }
    const reason = ans.status === 404 ? 'not found' : `status ${ans.status}`;
    throw new ComfyError('rejected', `ComfyUI at ${this.url} refused ${req} (${reason}).`, {
      url: this.url,
      request: req,
      status: ans.status,
      body,
    });
  }

  parseJson(text: string, req: string): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw this.invalid(req, 'the answer is not JSON', err);
    }
  }

  parse<S extends z.ZodType>(schema: S, text: string, req: string): z.infer<S> {
    const parsed = schema.safeParse(this.parseJson(text, req));
    if (!parsed.success) throw this.invalid(req, parsed.error.issues[0]?.message ?? 'unexpected shape', parsed.error);
    return parsed.data;
  }

  invalid(req: string, detail: string, cause?: unknown): ComfyError {
    return new ComfyError(
      'invalid-response',
      `ComfyUI at ${this.url} sent an answer to ${req} that ComfyDesk does not understand (${detail}). Is this really ComfyUI?`,
      { url: this.url, request: req, cause },
    );
  }

  validationError(ans: RawAnswer, req: string): ComfyError {
    let raw: unknown;
    try {
      raw = JSON.parse(ans.text);
    } catch {
      return this.expectOkError(ans, req);
    }
    const parsed = PromptErrorBodySchema.safeParse(raw);
    if (!parsed.success) return this.expectOkError(ans, req);
    const errors: ComfyNodeError[] = [];
    for (const [nodeId, node] of Object.entries(parsed.data.node_errors)) {
      for (const e of node.errors) {
        const inputName = e.extra_info?.input_name;
        const message = e.details ? `${e.message}: ${e.details}` : e.message;
        errors.push({ nodeId, classType: node.class_type, type: e.type, message, ...(inputName ? { inputName } : {}) });
      }
    }
    return new ComfyValidationError(parsed.data.error, errors, {
      url: this.url,
      request: req,
      status: 400,
      body: ans.text.slice(0, 4000),
    });
  }

  expectOkError(ans: RawAnswer, req: string): ComfyError {
    try {
      this.expectOk(ans, req);
    } catch (err) {
      if (err instanceof ComfyError) return err;
    }
    return this.invalid(req, `status ${ans.status}`);
  }
}

/** "0.3.64" ≥ [0,3,56]? Unknown versions count as old (the safe side). */
export function versionAtLeast(version: string | undefined, min: [number, number, number]): boolean {
  if (!version) return false;
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return false;
  const parts = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) {
    const a = parts[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}
