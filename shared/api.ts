/**
 * The contract between renderer, core and Discord bot: every method (input and output schemas) and every
 * pushed event. The preload bridge, the headless WebSocket server and the renderer client all derive from
 * this one map, and a test proves they cover exactly its entries. Later capabilities add entries by adding a
 * file under shared/api/ and spreading it here.
 */
import { z } from 'zod';
import { appMethods } from './api/app';
import { backendsEvents, backendsMethods } from './api/backends';
import { dataEvents, dataMethods } from './api/data';
import { botEvents, botMethods } from './api/bot';
import { discordMethods } from './api/discord';
import { healthEvents, healthMethods } from './api/health';
import { jobsEvents, jobsMethods } from './api/jobs';
import { launcherMethods } from './api/launcher';
import { libraryEvents, libraryMethods } from './api/library';
import { modelsEvents, modelsMethods } from './api/models';
import { ownerEvents, ownerMethods } from './api/owner';
import { settingsEvents, settingsMethods } from './api/settings';
import { setupEvents, setupMethods } from './api/setup';
import { templatesEvents, templatesMethods } from './api/templates';
import { updatesEvents, updatesMethods } from './api/updates';
import { usageMethods } from './api/usage';
import { usersMethods } from './api/users';
import { workflowsEvents, workflowsMethods } from './api/workflows';
import type { MethodSpec } from './api/define';

export const methods = {
  ...appMethods,
  ...settingsMethods,
  ...healthMethods,
  ...backendsMethods,
  ...launcherMethods,
  ...jobsMethods,
  ...libraryMethods,
  ...templatesMethods,
  ...usersMethods,
  ...workflowsMethods,
  ...botMethods,
  ...discordMethods,
  ...modelsMethods,
  ...setupMethods,
  ...dataMethods,
  ...updatesMethods,
  ...usageMethods,
  ...ownerMethods,
} satisfies Record<string, MethodSpec>;

export const events = {
  ...settingsEvents,
  ...healthEvents,
  ...backendsEvents,
  ...jobsEvents,
  ...libraryEvents,
  ...templatesEvents,
  ...workflowsEvents,
  ...botEvents,
  ...modelsEvents,
  ...setupEvents,
  ...dataEvents,
  ...updatesEvents,
  ...ownerEvents,
} satisfies Record<string, z.ZodType>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof events;
/** What a caller may pass (defaults not yet applied). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives (parsed, defaults applied). */
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

// ---------------------------------------------------------------------------------------------------------
// Errors

export const ApiErrorCodeSchema = z.enum([
  'bad_request', // the call is malformed: unknown method, input failed validation
  'unauthorized',
  'forbidden', // who acts may not do this (a Discord user without the role, someone else's job)
  'not_found',
  'conflict',
  'limit', // a limit refused it (queue full, rate limited)
  'unavailable', // a dependency (ComfyUI, Discord) is not reachable
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

export const ApiErrorShapeSchema = z.object({
  code: ApiErrorCodeSchema,
  message: z.string(),
  /** A short heading for the refusal ("Queue limit reached"); clients choose one from the code when absent. */
  title: z.string().optional(),
  /** What the user can do about it ("Wait until one finishes, or cancel one with /queue cancel."). */
  hint: z.string().optional(),
  /** For bad_request: which fields were wrong. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShapeSchema>;

/** The error every transport surfaces to callers. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues: { path: string; message: string }[] | undefined;
  readonly title: string | undefined;
  readonly hint: string | undefined;
  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'ApiError';
    this.code = shape.code;
    this.issues = shape.issues;
    this.title = shape.title;
    this.hint = shape.hint;
  }
  toShape(): ApiErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.title ? { title: this.title } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.issues ? { issues: this.issues } : {}),
    };
  }
}

/** Turn a zod error into readable issues: "queue.perUserLimit: Too big: expected number to be <=100". */
export function issuesFromZod(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.message,
  }));
}

/** A refusal someone can act on: what happened, a heading, and what to do. */
export function refusal(
  code: Exclude<ApiErrorCode, 'internal'>,
  title: string,
  message: string,
  hint?: string,
  issues?: { path: string; message: string }[],
): ApiError {
  return new ApiError({ code, title, message, ...(hint ? { hint } : {}), ...(issues ? { issues } : {}) });
}

export function badRequest(message: string, error?: z.ZodError): ApiError {
  const issues = error ? issuesFromZod(error) : undefined;
  const detail = issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ApiError({
    code: 'bad_request',
    message: detail ? `${message}: ${detail}` : message,
    ...(issues ? { issues } : {}),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Wire messages (headless WebSocket; the IPC bridge reuses the result shape)

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id: z.number().int().nonnegative(),
    method: z.string().min(1),
    input: z.unknown().optional(),
  }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const CallResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), output: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorShapeSchema }),
]);
export type CallResult = z.infer<typeof CallResultSchema>;

export const ServerMessageSchema = z.union([
  z.object({ type: z.literal('hello'), version: z.string() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), output: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: ApiErrorShapeSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('error'), error: ApiErrorShapeSchema }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
