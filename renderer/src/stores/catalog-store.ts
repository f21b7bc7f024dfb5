import { create } from 'zustand';
import type { BotGuild } from '@shared/api/bot';
import type { TemplateSaveInput, WorkflowEntry } from '@shared/api/templates';
import type { Template } from '@shared/templates';
import { api } from '../api/client';
import { onResync } from './app-store';
import { useBot } from './bot-store';
import { report } from './toast-store';
import { applyTemplateChanged, sortTemplates } from './catalog-logic';

interface CatalogState {
  workflows: WorkflowEntry[];
  templates: Template[];
  loaded: boolean;
  load(): Promise<void>;
  saveTemplate(input: TemplateSaveInput): Promise<Template | undefined>;
  deleteTemplate(id: number): Promise<boolean>;
}

/** Workflows and templates: what the Generate, Templates and Gallery pages pick from. */
export const useCatalog = create<CatalogState>((set) => ({
  workflows: [],
  templates: [],
  loaded: false,
  async load() {
    const [workflows, templates] = await Promise.all([
      report(() => api.call('workflows.list')),
      report(() => api.call('templates.list')),
    ]);
    set({ workflows: workflows ?? [], templates: sortTemplates(templates ?? []), loaded: true });
    // The servers the pages name and pick from live in the bot store.
    await useBot.getState().loadGuilds();
  },
  async saveTemplate(input) {
    return report(
      () => api.call('templates.save', input),
      (t) => `Template “${t.name}” saved.`,
    );
  },
  async deleteTemplate(id) {
    const r = await report(() => api.call('templates.delete', { id }), 'Template deleted.');
    return r?.removed ?? false;
  },
}));

api.on('templates.changed', (change) =>
  useCatalog.setState((s) => ({ templates: applyTemplateChanged(s.templates, change) })),
);
api.on('workflows.changed', () => {
  void api.call('workflows.list').then(
    (workflows) => useCatalog.setState({ workflows }),
    () => undefined,
  );
});

/** A server's name, or its id when the bot does not know it. */
export function guildName(guilds: BotGuild[], id: string | null): string {
  if (id === null) return 'Desktop';
  return guilds.find((g) => g.id === id)?.name ?? `Server ${id}`;
}
onResync(() => void useCatalog.getState().load());
