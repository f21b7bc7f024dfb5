/**
 * Build and dispatch INTERACTION_CREATE payloads (discord-api-types `payloads/v10/interactions.ts`,
 * discord-facts.md §1.6, §2.2, §2.3) for slash commands, autocomplete, buttons, string selects and modal
 * submits, in guilds or in the bot's DM. Each dispatch returns an InteractionHandle to await the bot's answers.
 */
import type { FakeContext } from './context';
import { InteractionHandle } from './interaction-handle';
import type { InteractionRecord } from './interaction-store';
import { messageJson, storeFile } from './messages';
import { ChannelKind, type FakeChannel, type FakeGuild, type FakeMessage, type FakeUser } from './model';
import { BOT_DM_APP_PERMISSIONS } from './permissions';
import { channelUploadLimit } from './routes/channels';
import { InteractionKind } from './routes/interactions';
import { apiChannel, apiInteractionMember, apiMember, apiRole, apiUser, memberChannelPermissions } from './serialize';

/** ApplicationCommandOptionType. */
export const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

export interface AttachmentInput {
  filename: string;
  bytes: Buffer;
  contentType?: string;
}

/** A plain value (type taken from the registered command, else inferred) or an explicit `{ type, value }`. */
export type OptionInput =
  string | number | boolean | AttachmentInput | { type: number; value: string | number | boolean };

export interface Where {
  /** Username or id of the invoking user. */
  user: string;
  /** Guild name or id (default: the first guild) — ignored when `dm` is true. */
  guild?: string;
  /** Channel name or id (default: the guild's first text channel). */
  channel?: string;
  /** Invoke from the bot's DM (context BOT_DM, `user` instead of `member`). */
  dm?: boolean;
  locale?: string;
}

export interface SlashInput extends Where {
  name: string;
  group?: string;
  subcommand?: string;
  options?: Record<string, OptionInput>;
}

export interface AutocompleteInput extends Where {
  name: string;
  group?: string;
  subcommand?: string;
  /** Name of the option being typed. */
  focused: string;
  /** What the user has typed so far. */
  value: string;
  /** Other options already filled in (raw values; attachments are not resolved during autocomplete, §2.3). */
  options?: Record<string, string | number | boolean>;
}

export interface ComponentInput {
  user: string;
  customId: string;
  /** The message carrying the component (id or stored message); its channel/guild are used. */
  message: string | FakeMessage;
  locale?: string;
}

export interface ModalSubmitInput extends Where {
  customId: string;
  /** Text input custom_id -> submitted value. */
  fields: Record<string, string>;
  /** Set when the modal was opened from a message component (enables update/deferUpdate). */
  message?: string | FakeMessage;
  /** Emit legacy action rows instead of Label (type 18) components. */
  legacyRows?: boolean;
}

interface Place {
  user: FakeUser;
  guild: FakeGuild | null;
  channel: FakeChannel;
}

export class InteractionFactory {
  constructor(private readonly ctx: FakeContext) {}

  slash(input: SlashInput): InteractionHandle {
    const place = this.place(input);
    const data = this.commandData(place, input.name, input.group, input.subcommand, input.options ?? {}, null);
    return this.dispatch(place, InteractionKind.ApplicationCommand, data, null, input.locale, input.name);
  }

  autocomplete(input: AutocompleteInput): InteractionHandle {
    const place = this.place(input);
    const options: Record<string, OptionInput> = { ...(input.options ?? {}), [input.focused]: input.value };
    const data = this.commandData(place, input.name, input.group, input.subcommand, options, input.focused);
    return this.dispatch(place, InteractionKind.Autocomplete, data, null, input.locale, input.name);
  }

  button(input: ComponentInput): InteractionHandle {
    const message = this.message(input.message);
    const place = this.placeOfMessage(input.user, message);
    return this.dispatch(
      place,
      InteractionKind.MessageComponent,
      { custom_id: input.customId, component_type: 2 },
      message,
      input.locale,
    );
  }

  stringSelect(input: ComponentInput & { values: string[] }): InteractionHandle {
    const message = this.message(input.message);
    const place = this.placeOfMessage(input.user, message);
    const data = { custom_id: input.customId, component_type: 3, values: input.values };
    return this.dispatch(place, InteractionKind.MessageComponent, data, message, input.locale);
  }

  modalSubmit(input: ModalSubmitInput): InteractionHandle {
    const message = input.message ? this.message(input.message) : null;
    const place = message ? this.placeOfMessage(input.user, message) : this.place(input);
    let componentId = 1;
    const components = Object.entries(input.fields).map(([customId, value]) => {
      const text = { type: 4, id: componentId + 1, custom_id: customId, value };
      const wrapper = input.legacyRows
        ? { type: 1, id: componentId, components: [text] }
        : { type: 18, id: componentId, component: text };
      componentId += 2;
      return wrapper;
    });
    return this.dispatch(
      place,
      InteractionKind.ModalSubmit,
      { custom_id: input.customId, components },
      message,
      input.locale,
    );
  }

  /** A PING (only ever sent to HTTP-interaction apps): registered, not dispatched; answer it with type 1. */
  ping(): InteractionHandle {
    const user = this.ctx.state.user(this.ctx.state.app.ownerId);
    const record = this.register({
      type: InteractionKind.Ping,
      channelId: null,
      guildId: null,
      userId: user.id,
      payload: {},
      limit: 0,
    });
    record.payload = { id: record.id, application_id: this.ctx.state.app.id, type: 1, token: record.token, version: 1 };
    return new InteractionHandle(this.ctx, record);
  }

  private place(where: Where): Place {
    const { state } = this.ctx;
    const user = state.user(where.user);
    if (where.dm) return { user, guild: null, channel: state.dmChannel(user.id) };
    const guild = where.guild ? state.guild(where.guild) : [...state.guilds.values()][0];
    if (!guild) throw new Error('fake discord: no guild to invoke the interaction in');
    const channel = where.channel
      ? state.channel(where.channel, guild.id)
      : guild.channelIds.map((id) => state.channels.get(id)).find((c) => c?.type === ChannelKind.GuildText);
    if (!channel) throw new Error(`fake discord: guild "${guild.name}" has no text channel`);
    if (!state.member(guild, user.id))
      throw new Error(`fake discord: "${user.username}" is not a member of "${guild.name}"`);
    return { user, guild, channel };
  }

  private placeOfMessage(userRef: string, message: FakeMessage): Place {
    const { state } = this.ctx;
    const user = state.user(userRef);
    const channel = state.channels.get(message.channelId);
    if (!channel) throw new Error('fake discord: the component message has no channel');
    return { user, guild: channel.guildId ? state.guild(channel.guildId) : null, channel };
  }

  private message(ref: string | FakeMessage): FakeMessage {
    const message = typeof ref === 'string' ? this.ctx.state.messages.get(ref) : ref;
    if (!message) throw new Error(`fake discord: no message "${String(ref)}"`);
    return message;
  }

  /** Registered command definition (guild scope first, then global), used to type the options. */
  private definition(guild: FakeGuild | null, name: string): { id: string; body: Record<string, unknown> } | undefined {
    const scopes = [
      ...(guild ? (this.ctx.state.commands.get(guild.id) ?? []) : []),
      ...(this.ctx.state.commands.get('global') ?? []),
    ];
    return scopes.find((c) => c.body.name === name && (c.body.type ?? 1) === 1);
  }

  private commandData(
    place: Place,
    name: string,
    group: string | undefined,
    subcommand: string | undefined,
    inputs: Record<string, OptionInput>,
    focused: string | null,
  ): Record<string, unknown> {
    const def = this.definition(place.guild, name);
    let schema = (def?.body.options as Array<Record<string, unknown>> | undefined) ?? [];
    const pick = (n: string): Array<Record<string, unknown>> =>
      (schema.find((o) => o.name === n)?.options as Array<Record<string, unknown>> | undefined) ?? [];
    if (group) schema = pick(group);
    if (subcommand) schema = pick(subcommand);
    const resolved: Record<string, Record<string, unknown>> = {};
    const leaf = Object.entries(inputs).map(([optName, input]) => {
      const declared = schema.find((o) => o.name === optName)?.type as number | undefined;
      const option = this.option(place, optName, input, declared, focused === null, resolved);
      if (focused === optName) option.focused = true;
      return option;
    });
    let options: Array<Record<string, unknown>> = leaf;
    if (subcommand) options = [{ type: OptionType.Subcommand, name: subcommand, options }];
    if (group) options = [{ type: OptionType.SubcommandGroup, name: group, options }];
    const data: Record<string, unknown> = { id: def?.id ?? this.ctx.state.ids.next(), name, type: 1, options };
    if (place.guild) data.guild_id = place.guild.id;
    if (Object.keys(resolved).length > 0) data.resolved = resolved;
    return data;
  }

  private option(
    place: Place,
    name: string,
    input: OptionInput,
    declared: number | undefined,
    resolve: boolean,
    resolved: Record<string, Record<string, unknown>>,
  ): Record<string, unknown> {
    const { state } = this.ctx;
    if (typeof input === 'object' && 'bytes' in input) {
      if (!resolve) return { type: OptionType.Attachment, name, value: state.ids.next() };
      const file = storeFile(
        this.ctx,
        place.channel.id,
        input.filename,
        input.bytes,
        input.contentType ?? guessType(input.filename),
        undefined,
        true,
      );
      (resolved.attachments ??= {})[file.id] = file;
      return { type: OptionType.Attachment, name, value: file.id };
    }
    const explicit = typeof input === 'object' ? input : null;
    const value = explicit ? explicit.value : (input as string | number | boolean);
    const type = explicit?.type ?? declared ?? inferType(value);
    if (resolve && typeof value === 'string') {
      if (type === OptionType.User || type === OptionType.Mentionable) {
        const user = state.findUser(value);
        if (user) {
          (resolved.users ??= {})[user.id] = apiUser(user);
          const member = place.guild ? state.member(place.guild, user.id) : undefined;
          if (member && place.guild) {
            const { user: _omit, ...rest } = apiInteractionMember(state, place.guild, member, place.channel);
            (resolved.members ??= {})[user.id] = rest;
          }
          return { type, name, value: user.id };
        }
      }
      if ((type === OptionType.Role || type === OptionType.Mentionable) && place.guild) {
        const role = place.guild.roles.find((r) => r.id === value || r.name === value);
        if (role) {
          (resolved.roles ??= {})[role.id] = apiRole(role);
          return { type, name, value: role.id };
        }
      }
      if (type === OptionType.Channel) {
        const channel = state.channel(value, place.guild?.id);
        // Resolved channels carry the invoker's `permissions` and, since 2026-07-16, `app_permissions` (§8.2).
        const member = place.guild ? state.member(place.guild, place.user.id) : undefined;
        const userPerms =
          place.guild && member ? memberChannelPermissions(place.guild, member, channel) : BOT_DM_APP_PERMISSIONS;
        (resolved.channels ??= {})[channel.id] = {
          ...apiChannel(state, channel),
          permissions: userPerms.toString(),
          app_permissions: this.appPermissions({ ...place, channel }).toString(),
        };
        return { type, name, value: channel.id };
      }
    }
    return { type, name, value };
  }

  private appPermissions(place: Place): bigint {
    if (!place.guild) return BOT_DM_APP_PERMISSIONS;
    const bot = this.ctx.state.member(place.guild, this.ctx.state.app.botUserId);
    return bot ? memberChannelPermissions(place.guild, bot, place.channel) : 0n;
  }

  private register(r: {
    type: number;
    channelId: string | null;
    guildId: string | null;
    userId: string;
    payload: Record<string, unknown>;
    limit: number;
    name?: string;
    source?: string | null;
  }): InteractionRecord {
    const id = this.ctx.state.ids.next();
    const record: InteractionRecord = {
      id,
      // Shaped like a real one: base64url text, no separators that need escaping in a URL path.
      token: Buffer.from(`interaction:${id}:${'fake-token-'.repeat(12)}`).toString('base64url'),
      type: r.type,
      createdAt: this.ctx.clock.now(),
      payload: r.payload,
      channelId: r.channelId,
      guildId: r.guildId,
      userId: r.userId,
      commandName: r.name,
      callbackType: null,
      acknowledgedAt: null,
      originalMessageId: null,
      loading: false,
      sourceMessageId: r.source ?? null,
      followupIds: [],
      attachmentSizeLimit: r.limit,
    };
    this.ctx.interactions.add(record);
    return record;
  }

  private dispatch(
    place: Place,
    type: number,
    data: Record<string, unknown>,
    message: FakeMessage | null,
    locale = 'en-US',
    name?: string,
  ): InteractionHandle {
    const { state, settings } = this.ctx;
    const limit = Math.max(settings.uploadLimitBytes, channelUploadLimit(this.ctx, place.channel));
    const record = this.register({
      type,
      channelId: place.channel.id,
      guildId: place.guild?.id ?? null,
      userId: place.user.id,
      payload: {},
      limit,
      name,
      source: message?.id ?? null,
    });
    const payload: Record<string, unknown> = {
      id: record.id,
      application_id: state.app.id,
      type,
      data,
      token: record.token,
      version: 1,
      channel_id: place.channel.id,
      channel: apiChannel(state, place.channel),
      app_permissions: this.appPermissions(place).toString(),
      locale,
      entitlements: [],
      // §1.6; for a guild-installed app used in its DM the owner id is "0".
      authorizing_integration_owners: { '0': place.guild?.id ?? '0' },
      context: place.guild ? 0 : 1,
      attachment_size_limit: limit,
    };
    if (place.guild) {
      const member = state.member(place.guild, place.user.id);
      payload.guild_id = place.guild.id;
      payload.guild = { id: place.guild.id, locale: place.guild.locale, features: [] };
      payload.guild_locale = place.guild.locale;
      payload.member = member
        ? apiInteractionMember(state, place.guild, member, place.channel)
        : apiMember(state, { userId: place.user.id, roles: [], nick: null, joinedAt: 0 });
    } else {
      payload.user = apiUser(place.user);
    }
    if (message) payload.message = messageJson(this.ctx, message);
    record.payload = payload;
    this.ctx.gateway.dispatch('INTERACTION_CREATE', payload);
    return new InteractionHandle(this.ctx, record);
  }
}

function inferType(value: string | number | boolean): number {
  if (typeof value === 'boolean') return OptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
  return OptionType.String;
}

function guessType(filename: string): string {
  const ext = filename.toLowerCase().split('.').pop() ?? '';
  const map: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    webp: 'image/webp',
    gif: 'image/gif',
    mp4: 'video/mp4',
    webm: 'video/webm',
    json: 'application/json',
    txt: 'text/plain',
  };
  return map[ext] ?? 'application/octet-stream';
}
