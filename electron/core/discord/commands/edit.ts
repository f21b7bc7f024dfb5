/** /edit: instruction editing of 1–3 images. */
import { SlashCommandBuilder } from 'discord.js';
import { workflowChoices } from '../autocomplete';
import type { BotCommand } from '../context';
import { pickWorkflow, submitJob } from '../submit';
import { imageAttachments, imagesOnly } from '../image-input';

const data = imagesOnly(
  new SlashCommandBuilder()
    .setName('edit')
    .setDescription('Edit images with an instruction')
    .addStringOption((o) =>
      o.setName('prompt').setDescription('What to change, e.g. "make it night"').setRequired(true).setMaxLength(2000),
    )
    .addAttachmentOption((o) => o.setName('image').setDescription('The image to edit').setRequired(true))
    .addAttachmentOption((o) => o.setName('image2').setDescription('A second image'))
    .addAttachmentOption((o) => o.setName('image3').setDescription('A third image'))
    .addStringOption((o) => o.setName('workflow').setDescription('Which edit workflow').setAutocomplete(true))
    .toJSON(),
);

export const command: BotCommand = {
  name: 'edit',
  data,
  async execute(ctx, i, caller) {
    const attachments = imageAttachments(i, ['image', 'image2', 'image3']);
    const workflow = pickWorkflow(ctx, 'edit', i.options.getString('workflow'), { images: attachments.length });
    await submitJob(ctx, i, caller, {
      workflow,
      prompt: i.options.getString('prompt', true),
      negative: '',
      params: {},
      attachments,
    });
  },
  async autocomplete(ctx, i) {
    const focused = i.options.getFocused(true);
    return focused.name === 'workflow' ? workflowChoices(ctx, 'edit', String(focused.value)) : [];
  },
};
