/** /template save | list | load | delete — private templates, or shared with the server. */
import { SlashCommandBuilder } from 'discord.js';
import { templatePreviewEmbed } from '@shared/embeds';
import { templateChoices, workflowChoices } from '../autocomplete';
import type { BotCommand } from '../context';
import { oneLine } from '@shared/format';
import { inOptionTerms, paramsFromOptions } from '../options';
import { Refusal, replyEphemeral, replyInfo } from '../respond';
import { pickWorkflow } from '../submit';

const data = new SlashCommandBuilder()
  .setName('template')
  .setDescription('Saved prompts and settings')
  .addSubcommand((s) =>
    s
      .setName('save')
      .setDescription('Save a template')
      .addStringOption((o) => o.setName('name').setDescription('Template name').setRequired(true).setMaxLength(100))
      .addStringOption((o) =>
        o
          .setName('prompt')
          .setDescription('Prompt; {prompt} is replaced by what /generate gets')
          .setRequired(true)
          .setMaxLength(2000),
      )
      .addStringOption((o) => o.setName('negative').setDescription('Negative prompt').setMaxLength(2000))
      .addStringOption((o) => o.setName('workflow').setDescription('Workflow').setAutocomplete(true))
      .addIntegerOption((o) => o.setName('width').setDescription('Width'))
      .addIntegerOption((o) => o.setName('height').setDescription('Height'))
      .addIntegerOption((o) => o.setName('steps').setDescription('Steps'))
      .addNumberOption((o) => o.setName('cfg').setDescription('CFG / guidance'))
      .addBooleanOption((o) => o.setName('shared').setDescription('Let everyone on this server use it'))
      .addBooleanOption((o) => o.setName('replace').setDescription('Overwrite your template of the same name')),
  )
  .addSubcommand((s) => s.setName('list').setDescription('Templates you can use here'))
  .addSubcommand((s) =>
    s
      .setName('load')
      .setDescription('Show a template')
      .addStringOption((o) => o.setName('name').setDescription('Template').setRequired(true).setAutocomplete(true)),
  )
  .addSubcommand((s) =>
    s
      .setName('delete')
      .setDescription('Delete one of your templates')
      .addStringOption((o) => o.setName('name').setDescription('Template').setRequired(true).setAutocomplete(true)),
  )
  .toJSON();

export const command: BotCommand = {
  name: 'template',
  data,
  async execute(ctx, i, caller) {
    const sub = i.options.getSubcommand(true);
    const core = ctx.core.forUser(caller.actor);
    if (sub === 'save') {
      // The core checks it exactly as it checks a template saved on the desktop (templates.save).
      const shared = i.options.getBoolean('shared') ?? false;
      if (shared && !caller.guildId) throw new Refusal('Not here', 'Templates can only be shared in a server.');
      const workflow = pickWorkflow(ctx, 'txt2img', i.options.getString('workflow'));
      const asked = paramsFromOptions(workflow, {
        width: i.options.getInteger('width'),
        height: i.options.getInteger('height'),
        steps: i.options.getInteger('steps'),
        cfg: i.options.getNumber('cfg'),
      });
      try {
        const saved = await core.call('templates.save', {
          name: i.options.getString('name', true),
          guildId: caller.guildId,
          shared,
          prompt: i.options.getString('prompt', true),
          negative: i.options.getString('negative') ?? '',
          params: asked.params,
          workflow: workflow.id,
          replace: i.options.getBoolean('replace') ?? false,
        });
        await replyEphemeral(i, templatePreviewEmbed(saved, workflow), ctx.logger);
      } catch (err) {
        throw inOptionTerms(err, asked.optionOf);
      }
      return;
    }
    const list = await core.call('templates.list', {});
    if (sub === 'list') {
      const lines = list
        .slice(0, 40)
        .map((t) => `• **${t.name}**${t.ownerId === caller.userId ? '' : ' (shared)'} — ${oneLine(t.prompt, 60)}`);
      const more = list.length > 40 ? `\n…and ${list.length - 40} more (type in /template load to find them)` : '';
      await replyInfo(
        i,
        `Templates (${list.length})`,
        `${lines.join('\n') || 'No templates yet. Save one with /template save.'}${more}`,
        [],
        ctx.logger,
      );
      return;
    }
    const name = i.options.getString('name', true);
    const template = list.find((t) => t.name === name);
    if (!template)
      throw new Refusal('Unknown template', `There is no template "${name}" you can use here.`, 'See /template list.');
    if (sub === 'load') {
      await replyEphemeral(i, templatePreviewEmbed(template, ctx.catalog.get(template.workflow) ?? null), ctx.logger);
      return;
    }
    if (sub === 'delete') {
      await core.call('templates.delete', { id: template.id });
      await replyInfo(i, 'Template deleted', `"${template.name}" is gone.`, [], ctx.logger);
    }
  },
  async autocomplete(ctx, i, caller) {
    const focused = i.options.getFocused(true);
    if (focused.name === 'workflow') return workflowChoices(ctx, 'txt2img', String(focused.value));
    if (focused.name === 'name') return templateChoices(ctx, caller, String(focused.value));
    return [];
  },
};
