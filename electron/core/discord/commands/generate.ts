/** /generate: text to image, with templates, workflow, its main model file, every sampler option, LoRA and delivery. */
import { SlashCommandBuilder } from 'discord.js';
import { DeliverySchema } from '@shared/settings';
import { mainModelChoices, modelChoices, templateChoices, workflowChoices } from '../autocomplete';
import type { BotCommand } from '../context';
import { combinePrompt } from '../options';
import { Refusal } from '../respond';
import { pickWorkflow, requestFromOptions, submitJob } from '../submit';

const data = new SlashCommandBuilder()
  .setName('generate')
  .setDescription('Generate images from a prompt')
  .addStringOption((o) => o.setName('prompt').setDescription('What to draw').setRequired(true).setMaxLength(2000))
  .addStringOption((o) => o.setName('negative').setDescription('What to avoid').setMaxLength(2000))
  .addStringOption((o) => o.setName('template').setDescription('Start from a saved template').setAutocomplete(true))
  .addStringOption((o) => o.setName('workflow').setDescription('Which workflow (model) to use').setAutocomplete(true))
  .addStringOption((o) =>
    o.setName('model').setDescription('The main model file (checkpoint) the workflow uses').setAutocomplete(true),
  )
  .addIntegerOption((o) => o.setName('width').setDescription('Width in pixels'))
  .addIntegerOption((o) => o.setName('height').setDescription('Height in pixels'))
  .addIntegerOption((o) => o.setName('steps').setDescription('Sampling steps'))
  .addNumberOption((o) => o.setName('cfg').setDescription('CFG / guidance'))
  .addIntegerOption((o) => o.setName('seed').setDescription('Seed (-1 = random)'))
  .addIntegerOption((o) => o.setName('batch').setDescription('How many images'))
  .addStringOption((o) => o.setName('lora').setDescription('A LoRA to apply').setAutocomplete(true))
  .addNumberOption((o) => o.setName('lora_strength').setDescription('LoRA strength'))
  .addStringOption((o) =>
    o
      .setName('delivery')
      .setDescription('Where the result goes')
      .addChoices({ name: 'This channel', value: 'channel' }, { name: 'Direct message', value: 'dm' }),
  )
  .toJSON();

export const command: BotCommand = {
  name: 'generate',
  data,
  async execute(ctx, i, caller) {
    const templateName = i.options.getString('template');
    const template = templateName
      ? ((await ctx.core.forUser(caller.actor).call('templates.list', {})).find((t) => t.name === templateName) ?? null)
      : null;
    if (templateName && !template)
      throw new Refusal(
        'Unknown template',
        `There is no template "${templateName}" you can use here.`,
        'See /template list.',
      );
    const workflow = pickWorkflow(ctx, 'txt2img', i.options.getString('workflow') ?? template?.workflow ?? null);
    const asked = requestFromOptions(
      workflow,
      {
        width: i.options.getInteger('width'),
        height: i.options.getInteger('height'),
        steps: i.options.getInteger('steps'),
        cfg: i.options.getNumber('cfg'),
        seed: i.options.getInteger('seed'),
        batch: i.options.getInteger('batch'),
        lora: i.options.getString('lora'),
        lora_strength: i.options.getNumber('lora_strength'),
      },
      template && template.workflow === workflow.id ? template.params : {},
    );
    const delivery = DeliverySchema.safeParse(i.options.getString('delivery'));
    const fromTemplate = template && template.workflow === workflow.id ? template : null;
    const model = i.options.getString('model');
    const main = workflow.models[0];
    if (model && !main)
      throw new Refusal('No model choice', `"${workflow.title}" has no model file to choose.`, 'Leave out model.');
    const lora = asked.lora ?? (i.options.getString('lora') === null ? fromTemplate?.lora : undefined) ?? undefined;
    await submitJob(ctx, i, caller, {
      workflow,
      prompt: combinePrompt(i.options.getString('prompt', true), template),
      negative: i.options.getString('negative') ?? template?.negative ?? '',
      ...asked,
      ...(lora ? { lora } : {}),
      models: { ...fromTemplate?.models, ...(model && main ? { [main.setting]: model } : {}) },
      delivery: delivery.success ? delivery.data : null,
    });
  },
  async autocomplete(ctx, i, caller) {
    const focused = i.options.getFocused(true);
    const value = String(focused.value);
    if (focused.name === 'workflow') return workflowChoices(ctx, 'txt2img', value);
    if (focused.name === 'model') {
      const named = i.options.getString('workflow');
      const txt2img = ctx.catalog.byKind('txt2img');
      const workflow =
        txt2img.find((w) => w.id === named) ?? txt2img.find((w) => w.id === ctx.catalog.preferred()) ?? txt2img[0];
      return mainModelChoices(ctx, caller, workflow ?? null, value);
    }
    if (focused.name === 'template') return templateChoices(ctx, caller, value);
    if (focused.name === 'lora') return modelChoices(ctx, caller, 'loras', value);
    return [];
  },
};
