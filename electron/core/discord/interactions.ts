/**
 * Routes every interaction to its command, autocomplete source, button or modal. Nothing a user sends can throw
 * out of here: failures are answered ephemerally (or, for autocomplete, with no choices).
 */
import type { ApplicationCommandOptionChoiceData, Interaction } from 'discord.js';
import { handleButton, handleModal } from './buttons';
import { COMMANDS_BY_NAME } from './commands';
import { callerOf, type BotServices } from './context';
import { replyError } from './respond';

export async function routeInteraction(ctx: BotServices, i: Interaction): Promise<void> {
  try {
    if (i.isAutocomplete()) {
      let choices: ApplicationCommandOptionChoiceData[] = [];
      try {
        const command = COMMANDS_BY_NAME.get(i.commandName);
        if (command?.autocomplete) choices = await command.autocomplete(ctx, i, callerOf(ctx, i));
      } catch (err) {
        ctx.logger.warn('autocomplete failed', {
          command: i.commandName,
          error: err instanceof Error ? err.message : String(err),
        });
      }
      await i
        .respond(choices.slice(0, 25))
        .catch((err: unknown) =>
          ctx.logger.info('autocomplete answer failed', { error: err instanceof Error ? err.message : String(err) }),
        );
      return;
    }
    if (i.isChatInputCommand()) {
      const command = COMMANDS_BY_NAME.get(i.commandName);
      if (!command) {
        await replyError(i, new Error(`unknown command ${i.commandName}`), ctx.logger);
        return;
      }
      await command.execute(ctx, i, callerOf(ctx, i));
      return;
    }
    if (i.isButton()) {
      await handleButton(ctx, i, callerOf(ctx, i));
      return;
    }
    if (i.isModalSubmit()) {
      await handleModal(ctx, i, callerOf(ctx, i));
      return;
    }
  } catch (err) {
    // A Refusal or API error becomes its ephemeral explanation; anything else is logged there and answered generically.
    if (i.isRepliable()) await replyError(i, err, ctx.logger);
    else ctx.logger.error('interaction handler failed', { error: err });
  }
}
