/** Every slash command, by name. */
import type { BotCommand } from '../context';
import { adminCommand } from './admin';
import { animateCommand } from './animate';
import { editCommand } from './edit';
import { generateCommand } from './generate';
import { historyCommand } from './history';
import { modelsCommand } from './models';
import { queueCommand } from './queue';
import { settingsCommand } from './settings';
import { statusCommand } from './status';
import { templateCommand } from './template';
import { upscaleCommand } from './upscale';

export const COMMANDS: readonly BotCommand[] = [
  generateCommand,
  editCommand,
  upscaleCommand,
  animateCommand,
  queueCommand,
  templateCommand,
  historyCommand,
  settingsCommand,
  adminCommand,
  statusCommand,
  modelsCommand,
];

export const COMMANDS_BY_NAME: ReadonlyMap<string, BotCommand> = new Map(COMMANDS.map((c) => [c.name, c]));
