/// <reference types="vite/types/importMeta.d.ts" />
/**
 * Every slash command. Each file of this folder (but this one) exports `command`: adding a command is adding a
 * file. Vite builds and Vitest collect the folder with `import.meta.glob`; plain Node (tsx: benchmarks, scripts)
 * reads it from disk.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BotCommand } from '../context';

type CommandModule = { command?: BotCommand };

function collect(): BotCommand[] {
  let modules: Record<string, CommandModule>;
  try {
    modules = import.meta.glob<CommandModule>(['./*.ts', '!./index.ts'], { eager: true });
  } catch {
    // Not transformed by Vite (import.meta has no glob): load the files themselves.
    const load = createRequire(__filename);
    modules = Object.fromEntries(
      readdirSync(__dirname)
        .filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts') && f !== 'index.ts')
        .map((f) => [f, load(`./${f}`) as CommandModule]),
    );
  }
  const commands = Object.entries(modules).map(([file, m]) => {
    if (!m.command) throw new Error(`${file} in discord/commands exports no \`command\``);
    return m.command;
  });
  return commands.sort((a, b) => a.name.localeCompare(b.name));
}

export const COMMANDS: readonly BotCommand[] = collect();

export const COMMANDS_BY_NAME: ReadonlyMap<string, BotCommand> = new Map(COMMANDS.map((c) => [c.name, c]));
