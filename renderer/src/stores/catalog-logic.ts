/** Templates and workflows as plain data (pure functions, tested without a browser). */
import type { TemplateChanged } from '@shared/api/templates';
import type { Template } from '@shared/templates';

/** Sort like the core: private first, then by server, then by name. */
export function sortTemplates(list: Template[]): Template[] {
  return [...list].sort(
    (a, b) =>
      (a.guildId ?? '').localeCompare(b.guildId ?? '') ||
      a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) ||
      a.id - b.id,
  );
}

export function applyTemplateChanged(list: Template[], change: TemplateChanged): Template[] {
  const rest = list.filter((t) => t.id !== change.id);
  return change.template ? sortTemplates([...rest, change.template]) : rest;
}

/** Templates grouped by server: `null` is the desktop user's private group. */
export function groupByGuild(list: Template[]): Array<{ guildId: string | null; templates: Template[] }> {
  const groups = new Map<string | null, Template[]>();
  for (const t of sortTemplates(list)) {
    const g = groups.get(t.guildId) ?? [];
    g.push(t);
    groups.set(t.guildId, g);
  }
  return [...groups.entries()].map(([guildId, templates]) => ({ guildId, templates }));
}
