/**
 * Discord's JSON error shapes (discord-facts.md §9; discord-api-types `rest/common.ts` RESTJSONErrorCodes and
 * `RESTError`): `{ code, message, errors? }` where `errors` nests `{ _errors: [{ code, message }] }` under the
 * path of the offending field. discord.js flattens that into `DiscordAPIError.message`.
 */
export interface FieldError {
  code: string;
  message: string;
}

/** The nested `errors` tree; leaves carry `_errors`. */
export interface ErrorTree {
  [key: string]: ErrorTree | FieldError[];
}

export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: ErrorTree;
}

/** A response the fake decides to send instead of a success. Thrown inside route handlers. */
export class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody | Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${JSON.stringify(body)}`);
    this.name = 'FakeHttpError';
  }
}

export function discordError(status: number, code: number, message: string, errors?: ErrorTree): FakeHttpError {
  return new FakeHttpError(status, errors ? { code, message, errors } : { code, message });
}

/** Accumulates per-field errors; `throwIfAny()` produces the 400 / 50035 "Invalid Form Body" response. */
export class FormErrors {
  private readonly tree: ErrorTree = {};
  private count = 0;

  add(path: Array<string | number>, code: string, message: string): void {
    let node: ErrorTree = this.tree;
    for (const key of path) {
      const k = String(key);
      const next = node[k];
      if (!next || Array.isArray(next)) node[k] = {};
      node = node[k] as ErrorTree;
    }
    const list = (node._errors as FieldError[] | undefined) ?? [];
    list.push({ code, message });
    node._errors = list;
    this.count += 1;
  }

  get size(): number {
    return this.count;
  }

  throwIfAny(): void {
    if (this.count > 0) throw discordError(400, Codes.InvalidFormBody, 'Invalid Form Body', this.tree);
  }
}

/** The JSON error codes the fake produces (names follow discord-api-types RESTJSONErrorCodes). */
export const Codes = {
  General: 0,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownRole: 10011,
  UnknownUser: 10013,
  UnknownWebhook: 10015,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  MaxAttachments: 30015,
  MaxApplicationCommands: 30032,
  RequestEntityTooLarge: 40005,
  AlreadyAcknowledged: 40060,
  MissingAccess: 50001,
  CannotEditOthersMessage: 50005,
  CannotSendEmptyMessage: 50006,
  CannotSendMessagesToThisUser: 50007,
  MissingPermissions: 50013,
  InvalidWebhookToken: 50027,
  InvalidRecipients: 50033,
  InvalidFormBody: 50035,
  NoMutualGuilds: 50278,
} as const;

export const unauthorized = (): FakeHttpError => new FakeHttpError(401, { message: '401: Unauthorized', code: 0 });
export const unknownInteraction = (): FakeHttpError =>
  discordError(404, Codes.UnknownInteraction, 'Unknown interaction');
export const alreadyAcknowledged = (): FakeHttpError =>
  discordError(400, Codes.AlreadyAcknowledged, 'Interaction has already been acknowledged.');
export const invalidWebhookToken = (): FakeHttpError =>
  discordError(401, Codes.InvalidWebhookToken, 'Invalid Webhook Token');
export const unknownWebhook = (): FakeHttpError => discordError(404, Codes.UnknownWebhook, 'Unknown Webhook');
export const unknownMessage = (): FakeHttpError => discordError(404, Codes.UnknownMessage, 'Unknown Message');
export const unknownChannel = (): FakeHttpError => discordError(404, Codes.UnknownChannel, 'Unknown Channel');
export const unknownGuild = (): FakeHttpError => discordError(404, Codes.UnknownGuild, 'Unknown Guild');
export const unknownUser = (): FakeHttpError => discordError(404, Codes.UnknownUser, 'Unknown User');
export const unknownMember = (): FakeHttpError => discordError(404, Codes.UnknownMember, 'Unknown Member');
export const cannotDm = (): FakeHttpError =>
  discordError(403, Codes.CannotSendMessagesToThisUser, 'Cannot send messages to this user');
export const noMutualGuilds = (): FakeHttpError =>
  discordError(403, Codes.NoMutualGuilds, 'Cannot send messages to this user due to having no mutual guilds');
export const missingAccess = (): FakeHttpError => discordError(403, Codes.MissingAccess, 'Missing Access');
export const missingPermissions = (): FakeHttpError =>
  discordError(403, Codes.MissingPermissions, 'Missing Permissions');
export const entityTooLarge = (): FakeHttpError =>
  discordError(413, Codes.RequestEntityTooLarge, 'Request entity too large');
