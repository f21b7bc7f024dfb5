/** /status — each ComfyUI by name (state, version, GPU and free VRAM, measured speed, current job, its queue) and the queue. */
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
    const [health, devices, activity] = await Promise.all([
      core.call('health.summary', {}),
      core.call('comfy.devices', {}),
      core.call('backends.activity', {}),
    ]);
    const busyWith = (backendId: string): string[] => {
      const a = activity.find((x) => x.id === backendId);
      if (!a) return [];
      return [
        a.msPerImage !== null ? `${(a.msPerImage / 1000).toFixed(1)} s per image` : null,
        a.current ? `running ${a.current.workflow} (${Math.round(a.current.percent)}%)` : null,
        a.queued > 0 ? `${a.queued} waiting on it` : null,
      ].filter((x): x is string => x !== null);
    };
    const gpuOf = (backendId: string): string | null => {
      const names = devices
        .filter((d) => d.backendId === backendId)
        .map((d) => {
          const free =
            d.vramFree !== null && d.vramTotal
              ? ` (${(d.vramFree / 1024 ** 3).toFixed(1)} of ${(d.vramTotal / 1024 ** 3).toFixed(1)} GB free)`
              : '';
          return `${d.name}${free}`;
        });
      return names.length ? names.join(', ') : null;
    };
    const comfy = { online: '🟢 online', offline: '🔴 offline', starting: '🟡 starting', none: '⚪ not set up' }[
      health.comfy.status
    ];
    // Each ComfyUI by name: state, version, GPU and how many jobs it has.
    const backends = health.comfy.backends
      .filter((b) => b.enabled)
      .map((b) => {
        const parts = [
          b.status === 'busy' ? 'working' : b.status,
          b.version ? `ComfyUI ${b.version}` : null,
          gpuOf(b.id),
          ...busyWith(b.id),
        ].filter(Boolean);
        return `• **${b.name}** — ${parts.join(' · ')}${b.error ? `\n  ${b.error}` : ''}`;
      })
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
      ],
      ctx.logger,
    );
  },
};
