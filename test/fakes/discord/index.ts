/**
 * Fake Discord (REST + gateway) for tests that run the real discord.js Client. See README.md for usage.
 */
export { startFakeDiscord, FakeDiscord, DEFAULT_FAKE_TOKEN, DEFAULT_GUILD, type FakeDiscordOptions } from './server';
export { createTestClient, fakeClientOptions } from './client';
export { ManualClock, DEFAULT_FAKE_EPOCH } from './clock';
export { Codes } from './errors';
export { InteractionHandle } from './interaction-handle';
export {
  OptionType,
  type AttachmentInput,
  type OptionInput,
  type SlashInput,
  type AutocompleteInput,
  type ComponentInput,
  type ModalSubmitInput,
} from './interactions';
export { CallbackType, InteractionKind } from './routes/interactions';
export { Op, Close, PRIVILEGED_INTENTS, type GatewayFrame } from './gateway';
export { MESSAGE_LIMITS, DEFAULT_UPLOAD_LIMIT } from './limits';
export { DEFAULT_RATE_LIMITS, type RateLimitOptions, type BucketRule, type EditRule } from './ratelimit';
export { Perm, ALL_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS } from './permissions';
export type { RecordedCall, RecordedFile, WaitOptions } from './recorder';
export type {
  FakeState,
  FakeChannel,
  FakeGuild,
  FakeMessage,
  FakeUser,
  FakeAttachment,
  GuildSeed,
  UserSeed,
  RoleSeed,
  ChannelSeed,
  MemberSeed,
} from './model';
export type { InteractionRecord } from './interaction-store';
export type { Injection } from './http';
