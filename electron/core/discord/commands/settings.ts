/** /settings delivery:channel|dm — where your results go by default. */
import { SlashCommandBuilder } from 'discord.js';
import { DeliverySchema } from '@shared/settings';
import type { BotCommand } from '../context';
import { Refusal, replyInfo } from '../respond';

const data = new SlashCommandBuilder()
  .setName('settings')
  .setDescription('Your ComfyDesk settings')
  .addStringOption((o) =>
    o
      .setName('delivery')
      .setDescription('Where your results go by default')
      .setRequired(true)
      .addChoices({ name: 'The channel you asked in', value: 'channel' }, { name: 'Direct message', value: 'dm' }),
  )
  .toJSON();

export const command: BotCommand = {
  name: 'settings',
  data,
  async execute(ctx, i, caller) {
    const delivery = DeliverySchema.safeParse(i.options.getString('delivery', true));
    if (!delivery.success) throw new Refusal('Invalid option', '`delivery` must be channel or dm.');
    await ctx.core.forUser(caller.actor).call('users.setDefaultDelivery', { delivery: delivery.data });
    const where =
      delivery.data === 'dm'
        ? 'by direct message (in the channel if your DMs are closed)'
        : 'in the channel you asked in';
    await replyInfo(i, 'Saved', `Your results now arrive ${where}.`, [], ctx.logger);
  },
};
