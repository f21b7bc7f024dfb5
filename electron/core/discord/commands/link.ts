/** /link code — in a DM to the bot: link this Discord account as the GPU owner's (the code is shown in the app). */
import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../context';
import { Refusal, replyInfo } from '../respond';

const data = new SlashCommandBuilder()
  .setName('link')
  .setDescription('Link your Discord account to the ComfyDesk app (send it in a DM to the bot)')
  .addStringOption((o) =>
    o.setName('code').setDescription('The code the ComfyDesk app shows').setRequired(true).setMaxLength(40),
  )
  .toJSON();

export const command: BotCommand = {
  name: 'link',
  data,
  async execute(ctx, i, caller) {
    if (caller.guildId !== null) {
      throw new Refusal(
        'Send it by DM',
        'A link code is sent to the bot in a direct message, so nobody else sees it.',
        'Open a DM with the bot and run /link there.',
      );
    }
    await i.deferReply({ flags: 64 });
    const { userName } = await ctx.core
      .forUser(caller.actor)
      .call('owner.link', { code: i.options.getString('code', true) });
    await replyInfo(
      i,
      'Linked',
      `This Discord account (${userName}) is now the owner’s: /owner works for you anywhere the bot is.`,
      [],
      ctx.logger,
    );
  },
};
