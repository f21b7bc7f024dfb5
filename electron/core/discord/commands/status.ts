/** /status — ComfyUI health, queue length, GPU. */
import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../context';
import { replyInfo } from '../respond';

const data = new SlashCommandBuilder()
  .setName('status')
  .setDescription('Is ComfyUI up, how long is the queue')
  .toJSON();

export const command: BotCommand = {
  name: 'status',
  data,
  async execute(ctx, i, caller) {
    await i.deferReply({ flags: 64 });
    const core = ctx.core.forUser(caller.actor);
    const [health, devices] = await Promise.all([core.call('health.summary', {}), core.call('comfy.devices', {})]);
    const gpus = devices.map((d) => {
      const free =
        d.vramFree !== null && d.vramTotal
          ? ` (${(d.vramFree / 1024 ** 3).toFixed(1)} of ${(d.vramTotal / 1024 ** 3).toFixed(1)} GB free)`
          : '';
      return `${d.name}${free}`;
    });
    const comfy = { online: '🟢 online', offline: '🔴 offline', starting: '🟡 starting', none: '⚪ not set up' }[
      health.comfy.status
    ];
    const backends = health.comfy.backends
      .filter((b) => b.enabled)
      .map((b) => `• ${b.status}${b.error ? ` (${b.error})` : ''}`)
      .join('\n');
    await replyInfo(
      i,
      'ComfyDesk status',
      '',
      [
        { name: 'ComfyUI', value: `${comfy}${backends ? `\n${backends}` : ''}`, inline: false },
        {
          name: 'Queue',
          value: `${health.queue.queued} waiting, ${health.queue.running} running${health.queue.paused ? ' (paused)' : ''}`,
          inline: true,
        },
        { name: 'GPU', value: gpus.join('\n') || 'unknown', inline: true },
      ],
      ctx.logger,
    );
  },
};
