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

export const modelsCommand: BotCommand = {
  name: 'models',
  data,
  async execute(ctx, i) {
    await i.deferReply({ flags: 64 });
    const [checkpoints, diffusion, loras, upscalers] = await Promise.all([
      ctx.models('checkpoints'),
      ctx.models('diffusion_models'),
      ctx.models('loras'),
      ctx.models('upscale_models'),
    ]);
    await replyInfo(
      i,
      'Models',
      ctx.health().comfy.status === 'online' ? '' : 'ComfyUI is offline; lists may be empty.',
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
