/** /upscale: enlarge an image 2×, 4× or 8×. */
import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../context';
import { pickWorkflow, requestFromOptions, submitJob } from '../submit';
import { imageAttachments, imagesOnly } from '../image-input';

const data = imagesOnly(
  new SlashCommandBuilder()
    .setName('upscale')
    .setDescription('Upscale an image')
    .addAttachmentOption((o) => o.setName('image').setDescription('The image to upscale').setRequired(true))
    .addStringOption((o) =>
      o
        .setName('factor')
        .setDescription('How much larger (default 2×)')
        .addChoices({ name: '2×', value: '2x' }, { name: '4×', value: '4x' }, { name: '8×', value: '8x' }),
    )
    .toJSON(),
);

export const command: BotCommand = {
  name: 'upscale',
  data,
  async execute(ctx, i, caller) {
    const workflow = pickWorkflow(ctx, 'upscale', ctx.catalog.get('upscale')?.kind === 'upscale' ? 'upscale' : null);
    await submitJob(ctx, i, caller, {
      workflow,
      prompt: '',
      negative: '',
      ...requestFromOptions(workflow, { factor: i.options.getString('factor') }),
      attachments: imageAttachments(i, ['image']),
    });
  },
};
