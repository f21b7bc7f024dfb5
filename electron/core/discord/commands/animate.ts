/** /animate: image to video. */
import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../context';
import { pickWorkflow, requestFromOptions, submitJob } from '../submit';
import { imageAttachments, imagesOnly } from '../image-input';

const data = imagesOnly(
  new SlashCommandBuilder()
    .setName('animate')
    .setDescription('Turn an image into a short video')
    .addAttachmentOption((o) => o.setName('image').setDescription('The first frame').setRequired(true))
    .addStringOption((o) => o.setName('prompt').setDescription('What should happen').setMaxLength(2000))
    .addIntegerOption((o) => o.setName('frames').setDescription('Number of frames'))
    .addNumberOption((o) => o.setName('strength').setDescription('Motion strength'))
    .toJSON(),
);

export const command: BotCommand = {
  name: 'animate',
  data,
  async execute(ctx, i, caller) {
    const workflow = pickWorkflow(ctx, 'img2video', null);
    await submitJob(ctx, i, caller, {
      workflow,
      prompt: i.options.getString('prompt') ?? '',
      negative: '',
      ...requestFromOptions(workflow, {
        frames: i.options.getInteger('frames'),
        strength: i.options.getNumber('strength'),
      }),
      attachments: imageAttachments(i, ['image']),
    });
  },
};
