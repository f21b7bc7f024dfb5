/**
 * What the setup guide sees of each step, in words a newcomer reads: the ComfyUI found (version, where), whether a
 * text-to-image workflow can run with the files ComfyUI has, whether an image was made, and the bot's servers.
 */
import type { BackendSummary } from '@shared/api/health';
import type { BotState } from '@shared/api/bot';
import type { WorkflowReadiness } from '@shared/api/workflows';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import type { SetupFacts } from './guide';

export interface FactSources {
  backends(): BackendSummary[];
  launcherState(): string;
  readiness(): WorkflowReadiness[];
  workflows(): WorkflowManifest[];
  imagesMade(): number;
  bot(): BotState;
}

const online = (b: BackendSummary) => b.enabled && (b.status === 'idle' || b.status === 'busy');

export function setupFacts(s: FactSources): SetupFacts {
  return {
    comfy: () => {
      const up = s.backends().find(online);
      if (up) return { achieved: true, summary: `ComfyUI${up.version ? ` ${up.version}` : ''} at ${up.url}` };
      if (s.launcherState() === 'starting') return { achieved: false, summary: 'ComfyUI is starting…' };
      const known = s.backends().filter((b) => b.enabled);
      if (known.length > 0) {
        const b = known[0]!;
        return { achieved: false, summary: `ComfyUI at ${b.url} is ${b.status}${b.error ? `: ${b.error}` : ''}` };
      }
      return { achieved: false, summary: 'No ComfyUI found yet' };
    },
    models: () => {
      const txt2img = new Set(
        s
          .workflows()
          .filter((w) => w.kind === 'txt2img')
          .map((w) => w.id),
      );
      const readiness = s.readiness();
      const ready = readiness.filter((r) => r.state === 'ready');
      const first = ready.find((r) => txt2img.has(r.id));
      if (first) {
        const title = s.workflows().find((w) => w.id === first.id)?.title ?? first.id;
        return {
          achieved: true,
          summary: `${ready.length} of ${readiness.length} workflows can run (${title} among them)`,
        };
      }
      return {
        achieved: false,
        summary: `${ready.length} of ${readiness.length} workflows can run; none makes images from text yet`,
      };
    },
    'first-image': () => {
      const made = s.imagesMade();
      return made > 0
        ? { achieved: true, summary: `${made} image${made === 1 ? '' : 's'} made` }
        : { achieved: false, summary: 'No image made yet' };
    },
    discord: () => {
      const bot = s.bot();
      if (bot.status === 'online' && bot.guilds > 0)
        return {
          achieved: true,
          summary: `${bot.username ?? 'The bot'} is online in ${bot.guilds} server${bot.guilds === 1 ? '' : 's'}`,
        };
      if (!bot.hasToken) return { achieved: false, summary: 'No bot token yet (optional)' };
      if (bot.status === 'online')
        return { achieved: false, summary: `${bot.username ?? 'The bot'} is online but in no server yet` };
      return { achieved: false, summary: bot.error ?? `The bot is ${bot.status}` };
    },
  };
}
