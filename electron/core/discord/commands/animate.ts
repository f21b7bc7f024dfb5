/** /animate: image to video. */
import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../context';
import { buildParams } from '../options';
import { Refusal, replyError } from '../respond';
import { pickWorkflow, submitJob } from '../submit';
import { imageAttachments, imagesOnly } from './image-input';

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

export const animateCommand: BotCommand = {
  name: 'animate',
  data,
  async execute(ctx, i, caller) {
    try {
      const workflow = pickWorkflow(ctx, 'img2video', null);
      const built = buildParams(workflow.manifest, { frames: i.options.getInteger('frames'), strength: i.options.getNumber('strength') });
      if (!built.ok) throw new Refusal('Invalid option', built.message);
      await submitJob(ctx, i, caller, {
        workflow,
        prompt: i.options.getString('prompt') ?? '',
        negative: '',
        params: built.params,
        attachments: imageAttachments(i, ['image']),
        delivery: ctx.store.users.get(caller.userId)?.defaultDelivery ?? null,
      });
    } catch (err) {
      await replyError(i, err, ctx.logger);
    }
  },
};
