/**
 * Application command registration (discord-facts.md §2.1, §2.4): global and guild, bulk overwrite (PUT),
 * list, create (upsert by name + type), get, edit, delete. Structure limits are validated the way Discord
 * does (50035 tree keyed by index for bulk bodies; 30032 when a scope would exceed its command count).
 */
import { z } from 'zod';
import type { FakeContext } from '../context';
import { Codes, FormErrors, discordError, unknownGuild } from '../errors';
import { parseBody } from '../limits';
import type { FakeCommand } from '../model';
import type { RouteContext, RouteDef } from '../router';

const optionSchema: z.ZodType<Record<string, unknown>> = z.looseObject({
  type: z.number().int(),
  name: z.string(),
  description: z.string(),
  required: z.boolean().optional(),
  choices: z.array(z.looseObject({ name: z.string(), value: z.union([z.string(), z.number()]) })).optional(),
  options: z.lazy(() => z.array(optionSchema)).optional(),
  autocomplete: z.boolean().optional(),
});

const commandSchema = z.looseObject({
  name: z.string(),
  type: z.number().int().optional(),
  description: z.string().optional(),
  options: z.array(optionSchema).optional(),
  default_member_permissions: z.string().nullable().optional(),
  contexts: z.array(z.number().int()).nullable().optional(),
  integration_types: z.array(z.number().int()).optional(),
  nsfw: z.boolean().optional(),
});

type CommandBody = z.infer<typeof commandSchema>;

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_PER_TYPE: Record<number, number> = { 1: 100, 2: 15, 3: 15, 4: 1 };

function checkOptions(
  errors: FormErrors,
  path: Array<string | number>,
  options: ReadonlyArray<Record<string, unknown>>,
  size: { n: number },
): void {
  if (options.length > 25) errors.add([...path], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  let seenOptional = false;
  const names = new Set<string>();
  options.forEach((o, i) => {
    const name = String(o.name);
    const description = String(o.description);
    size.n += name.length + description.length;
    if (!NAME.test(name) || name !== name.toLowerCase())
      errors.add([...path, i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    if (description.length < 1 || description.length > 100) {
      errors.add([...path, i, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    }
    if (names.has(name))
      errors.add(
        [...path, i, 'name'],
        'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS',
        'Option names must be unique',
      );
    names.add(name);
    const isSub = o.type === 1 || o.type === 2;
    if (!isSub) {
      if (o.required === true && seenOptional) {
        errors.add(
          [...path, i, 'required'],
          'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          'Required options must be placed before non-required options',
        );
      }
      if (o.required !== true) seenOptional = true;
    }
    const choices = Array.isArray(o.choices) ? (o.choices as Array<{ name: string; value: unknown }>) : [];
    if (choices.length > 25)
      errors.add([...path, i, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    if (choices.length > 0 && o.autocomplete === true) {
      errors.add(
        [...path, i, 'autocomplete'],
        'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES',
        'Autocomplete cannot be set with choices',
      );
    }
    for (const c of choices) size.n += c.name.length + String(c.value).length;
    if (Array.isArray(o.options))
      checkOptions(errors, [...path, i, 'options'], o.options as Array<Record<string, unknown>>, size);
  });
}

function checkCommand(errors: FormErrors, path: Array<string | number>, cmd: CommandBody): void {
  const type = cmd.type ?? 1;
  const size = { n: cmd.name.length + (cmd.description ?? '').length };
  if (type === 1) {
    if (!NAME.test(cmd.name) || cmd.name !== cmd.name.toLowerCase()) {
      errors.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    }
    const d = cmd.description ?? '';
    if (d.length < 1 || d.length > 100)
      errors.add([...path, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  } else if (cmd.name.length < 1 || cmd.name.length > 32) {
    errors.add([...path, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
  }
  checkOptions(errors, [...path, 'options'], cmd.options ?? [], size);
  if (size.n > 8000) errors.add([...path], 'APPLICATION_COMMAND_TOO_LARGE', 'Command exceeds maximum size (8000)');
}

function scopeKey(ctx: FakeContext, req: RouteContext): { key: string; guildId: string | null } {
  if (req.params.application_id !== ctx.state.app.id) {
    throw discordError(403, Codes.MissingAccess, 'Missing Access');
  }
  const guildId = req.params.guild_id ?? null;
  if (guildId && !ctx.state.guilds.has(guildId)) throw unknownGuild();
  return { key: guildId ?? 'global', guildId };
}

export function commandJson(ctx: FakeContext, c: FakeCommand): Record<string, unknown> {
  const body = c.body;
  const out: Record<string, unknown> = {
    id: c.id,
    application_id: ctx.state.app.id,
    version: c.version,
    default_member_permissions: body.default_member_permissions ?? null,
    type: body.type ?? 1,
    name: body.name,
    description: body.description ?? '',
    dm_permission: true,
    contexts: body.contexts ?? null,
    integration_types: body.integration_types ?? [0],
    nsfw: body.nsfw ?? false,
  };
  if (c.guildId) out.guild_id = c.guildId;
  if (Array.isArray(body.options) && body.options.length > 0) out.options = body.options;
  return out;
}

function upsert(
  ctx: FakeContext,
  list: FakeCommand[],
  body: CommandBody,
  guildId: string | null,
): { command: FakeCommand; created: boolean } {
  const type = body.type ?? 1;
  const existing = list.find((c) => c.body.name === body.name && (c.body.type ?? 1) === type);
  if (existing) {
    if (JSON.stringify(existing.body) !== JSON.stringify(body)) existing.version = ctx.state.ids.next();
    existing.body = body;
    return { command: existing, created: false };
  }
  const command: FakeCommand = { id: ctx.state.ids.next(), guildId, version: ctx.state.ids.next(), body };
  list.push(command);
  return { command, created: true };
}

function checkCounts(list: ReadonlyArray<{ body: Record<string, unknown> }>): void {
  for (const [type, max] of Object.entries(MAX_PER_TYPE)) {
    if (list.filter((c) => (c.body.type ?? 1) === Number(type)).length > max) {
      throw discordError(400, Codes.MaxApplicationCommands, 'Maximum number of application commands reached');
    }
  }
}

function findCommand(ctx: FakeContext, req: RouteContext): { list: FakeCommand[]; command: FakeCommand } {
  const { key } = scopeKey(ctx, req);
  const list = ctx.state.commands.get(key) ?? [];
  const command = list.find((c) => c.id === req.params.command_id);
  if (!command) throw discordError(404, Codes.UnknownApplicationCommand, 'Unknown application command');
  return { list, command };
}

export function commandRoutes(ctx: FakeContext): RouteDef[] {
  const routes: RouteDef[] = [];
  for (const base of [
    '/applications/:application_id/commands',
    '/applications/:application_id/guilds/:guild_id/commands',
  ]) {
    routes.push(
      {
        method: 'GET',
        pattern: base,
        auth: 'bot',
        handler: (req) => {
          const { key } = scopeKey(ctx, req);
          return { status: 200, body: (ctx.state.commands.get(key) ?? []).map((c) => commandJson(ctx, c)) };
        },
      },
      {
        method: 'PUT',
        pattern: base,
        auth: 'bot',
        handler: (req) => {
          const { key, guildId } = scopeKey(ctx, req);
          const bodies = parseBody(z.array(commandSchema), req.json);
          const errors = new FormErrors();
          bodies.forEach((b, i) => {
            checkCommand(errors, [i], b);
            const twin = bodies.findIndex((o) => o.name === b.name && (o.type ?? 1) === (b.type ?? 1));
            if (twin !== i)
              errors.add(
                [i, 'name'],
                'APPLICATION_COMMANDS_DUPLICATE_NAME',
                `Application command names must be unique`,
              );
          });
          errors.throwIfAny();
          checkCounts(bodies.map((b) => ({ body: b })));
          // Bulk overwrite replaces every command in the scope; same name + type keeps its id (§2.4).
          const previous = ctx.state.commands.get(key) ?? [];
          const next: FakeCommand[] = [];
          for (const body of bodies) {
            const kept = previous.find((c) => c.body.name === body.name && (c.body.type ?? 1) === (body.type ?? 1));
            if (kept) next.push(kept);
            upsert(ctx, next, body, guildId);
          }
          ctx.state.commands.set(key, next);
          return { status: 200, body: next.map((c) => commandJson(ctx, c)) };
        },
      },
      {
        method: 'POST',
        pattern: base,
        auth: 'bot',
        handler: (req) => {
          const { key, guildId } = scopeKey(ctx, req);
          const body = parseBody(commandSchema, req.json);
          const errors = new FormErrors();
          checkCommand(errors, [], body);
          errors.throwIfAny();
          const list = ctx.state.commands.get(key) ?? [];
          const result = upsert(ctx, list, body, guildId);
          checkCounts(list);
          ctx.state.commands.set(key, list);
          return { status: result.created ? 201 : 200, body: commandJson(ctx, result.command) };
        },
      },
      {
        method: 'GET',
        pattern: `${base}/:command_id`,
        auth: 'bot',
        handler: (req) => ({ status: 200, body: commandJson(ctx, findCommand(ctx, req).command) }),
      },
      {
        method: 'PATCH',
        pattern: `${base}/:command_id`,
        auth: 'bot',
        handler: (req) => {
          const { command } = findCommand(ctx, req);
          const patch = parseBody(commandSchema.partial(), req.json);
          const merged = parseBody(commandSchema, { ...command.body, ...patch });
          const errors = new FormErrors();
          checkCommand(errors, [], merged);
          errors.throwIfAny();
          command.body = merged;
          command.version = ctx.state.ids.next();
          return { status: 200, body: commandJson(ctx, command) };
        },
      },
      {
        method: 'DELETE',
        pattern: `${base}/:command_id`,
        auth: 'bot',
        handler: (req) => {
          const { list, command } = findCommand(ctx, req);
          list.splice(list.indexOf(command), 1);
          return { status: 204 };
        },
      },
    );
  }
  return routes;
}
