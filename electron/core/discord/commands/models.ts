/** /models — checkpoints, LoRAs and upscale models on the backends. */
import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../context';
import { replyInfo } from '../respond';

const data = new SlashCommandBuilder().setName('models').setDescription('Models ComfyUI has').toJSON();

const list = (files: string[]): string => {
  if (files.length === 0) return 'none';
  const shown = files
    .slice(0, 25)
    .map((f) => `\`${f}\``)
    .join('\n');
  return files.length > 25 ? `${shown}\n…and ${files.length - 25} more` : shown;
};

export const command: BotCommand = {
  name: 'models',
  data,
  async execute(ctx, i, caller) {
    await i.deferReply({ flags: 64 });
    const core = ctx.core.forUser(caller.actor);
    const files = async (folder: string): Promise<string[]> => (await core.call('models.list', { folder })).files;
    const [checkpoints, diffusion, loras, upscalers, health] = await Promise.all([
      files('checkpoints'),
      files('diffusion_models'),
      files('loras'),
      files('upscale_models'),
      core.call('health.summary', {}),
    ]);
    await replyInfo(
      i,
      'Models',
      health.comfy.status === 'online' ? '' : 'ComfyUI is offline; lists may be empty.',
      [
        {
          name: `Checkpoints (${checkpoints.length + diffusion.length})`,
          value: list([...checkpoints, ...diffusion]),
          inline: false,
        },
        { name: `LoRAs (${loras.length})`, value: list(loras), inline: false },
        { name: `Upscale models (${upscalers.length})`, value: list(upscalers), inline: false },
      ],
      ctx.logger,
    );
  },
};
