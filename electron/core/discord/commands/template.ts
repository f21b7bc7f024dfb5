/** /template save | list | load | delete — private templates, or shared with the server. */
import { SlashCommandBuilder } from 'discord.js';
import { templatePreviewEmbed } from '@shared/embeds';
import { templateChoices, workflowChoices } from '../autocomplete';
import type { BotCommand } from '../context';
import { oneLine } from '../format';
import { promptProblem } from '../guard';
import { atLeast, deniedMessage } from '../permissions';
import { Refusal, replyEphemeral, replyInfo } from '../respond';
import { commandParams, pickWorkflow } from '../submit';

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
      .addBooleanOption((o) => o.setName('shared').setDescription('Let everyone on this server use it')),
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

export const templateCommand: BotCommand = {
  name: 'template',
  data,
  async execute(ctx, i, caller) {
    const sub = i.options.getSubcommand(true);
    const visible = () => ctx.store.templates.visibleTo(caller.userId, caller.guildId);
    if (sub === 'save') {
      if (!atLeast(caller.level, 'generator'))
        throw new Refusal('Not allowed', deniedMessage('generator', 'save templates'));
      const shared = i.options.getBoolean('shared') ?? false;
      if (shared && !caller.guildId) throw new Refusal('Not here', 'Templates can only be shared in a server.');
      const name = i.options.getString('name', true).trim();
      if (!name) throw new Refusal('Invalid name', 'The template needs a name.');
      const prompt = i.options.getString('prompt', true);
      const negative = i.options.getString('negative') ?? '';
      const problem = promptProblem({ prompt, negative }, caller.guild?.bannedWords ?? []);
      if (problem) throw new Refusal('Prompt refused', problem);
      const workflow = pickWorkflow(ctx, 'txt2img', i.options.getString('workflow'));
      const params = commandParams(workflow, {
        width: i.options.getInteger('width'),
        height: i.options.getInteger('height'),
        steps: i.options.getInteger('steps'),
        cfg: i.options.getNumber('cfg'),
      });
      ctx.store.users.upsert(caller.userId, caller.userName);
      const saved = ctx.store.templates.save({
        ownerId: caller.userId,
        guildId: caller.guildId,
        shared,
        name,
        prompt,
        negative,
        params,
        workflow: workflow.manifest.id,
      });
      ctx.events.emit('templates.changed', { id: saved.id, template: saved });
      await replyEphemeral(i, templatePreviewEmbed(saved, workflow.manifest), ctx.logger);
      return;
    }
    if (sub === 'list') {
      const list = visible();
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
    const template = visible().find((t) => t.name === name);
    if (!template)
      throw new Refusal('Unknown template', `There is no template "${name}" you can use here.`, 'See /template list.');
    if (sub === 'load') {
      await replyEphemeral(
        i,
        templatePreviewEmbed(template, ctx.workflows.get(template.workflow)?.manifest ?? null),
        ctx.logger,
      );
      return;
    }
    if (sub === 'delete') {
      const adminOfScope = caller.level === 'admin' && template.guildId === caller.guildId && template.shared;
      if (template.ownerId !== caller.userId && !adminOfScope)
        throw new Refusal(
          'Not allowed',
          'Only its owner (or a server admin, for shared templates) can delete a template.',
        );
      ctx.store.templates.remove(template.id);
      ctx.events.emit('templates.changed', { id: template.id, template: null });
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
