/**
 * shared/embeds.ts views → Discord API JSON (embeds and action rows) for discord.js.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from 'discord.js';
import type { ButtonRow, ButtonView, EmbedView } from '@shared/embeds';

const STYLES: Record<
  ButtonView['style'],
  ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger
> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  success: ButtonStyle.Success,
  danger: ButtonStyle.Danger,
};

export function toApiEmbed(view: EmbedView): APIEmbed {
  const embed: APIEmbed = { title: view.title, color: view.color };
  if (view.description) embed.description = view.description;
  if (view.fields.length) embed.fields = view.fields.map((f) => ({ name: f.name, value: f.value, inline: f.inline }));
  if (view.imageUrl) embed.image = { url: view.imageUrl };
  if (view.footer) embed.footer = { text: view.footer };
  return embed;
}

export function toApiRows(rows: readonly ButtonRow[]): APIActionRowComponent<APIButtonComponent>[] {
  return rows
    .filter((row) => row.length > 0)
    .slice(0, 5)
    .map((row) => ({
      type: ComponentType.ActionRow,
      components: row.slice(0, 5).map((b) => ({
        type: ComponentType.Button,
        custom_id: b.customId,
        label: b.label,
        style: STYLES[b.style],
        disabled: b.disabled,
      })),
    }));
}
