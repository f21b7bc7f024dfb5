import { useState } from 'react';
import { NotebookPen, Plus } from 'lucide-react';
import type { Template } from '@shared/templates';
import { Button } from '../components/ui/Button';
import { EmptyState } from '../components/ui/EmptyState';
import { guildName, useCatalog } from '../stores/catalog-store';
import { useBot } from '../stores/bot-store';
import { groupByGuild } from '../stores/catalog-logic';
import { TemplateEditor } from './templates/TemplateEditor';

/** Private and shared templates by server, and the editor with its live Discord preview. */
export function TemplatesPage() {
  const templates = useCatalog((s) => s.templates);
  const guilds = useBot((s) => s.guilds);
  const [editing, setEditing] = useState<Template | 'new' | null>(templates.length === 0 ? 'new' : null);
  const current =
    editing === 'new' || editing === null ? editing : (templates.find((t) => t.id === editing.id) ?? null);

  return (
    <section className="page" aria-labelledby="templates-title">
      <header className="page-header">
        <h1 id="templates-title">Templates</h1>
        <div className="spacer" />
        <Button
          variant="primary"
          icon={<Plus size={16} />}
          onClick={() => setEditing('new')}
          data-testid="template-new"
        >
          New template
        </Button>
      </header>
      <p className="page-lead">
        A template is a saved prompt with its settings: friends load it on Discord with /template, you with Use in
        Generate.
      </p>
      <div className="templates-layout">
        <nav className="template-list card" aria-label="Templates">
          {templates.length === 0 && (
            <EmptyState icon={NotebookPen} compact>
              No templates yet.
            </EmptyState>
          )}
          {groupByGuild(templates).map((group) => (
            <div key={group.guildId ?? 'private'}>
              <h2 className="section-title">
                {group.guildId === null ? 'Private (desktop)' : guildName(guilds, group.guildId)}
              </h2>
              <ul>
                {group.templates.map((t) => (
                  <li key={t.id}>
                    <button
                      type="button"
                      className={`list-item${current !== 'new' && current?.id === t.id ? ' active' : ''}`}
                      aria-current={current !== 'new' && current?.id === t.id ? 'true' : undefined}
                      onClick={() => setEditing(t)}
                    >
                      <span>{t.name}</span>
                      <span className="muted small">
                        {t.workflow}
                        {t.shared ? ' · shared' : ''}
                        {t.ownerId !== 'desktop' ? ` · by ${t.ownerId}` : ''}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        {current ? (
          <TemplateEditor
            key={current === 'new' ? 'new' : current.id}
            template={current === 'new' ? null : current}
            onSaved={(t) => setEditing(t)}
            onDeleted={() => setEditing(null)}
          />
        ) : (
          <EmptyState
            icon={NotebookPen}
            action={
              <Button variant="primary" icon={<Plus size={16} />} onClick={() => setEditing('new')}>
                New template
              </Button>
            }
          >
            Pick a template on the left to edit it, or make a new one.
          </EmptyState>
        )}
      </div>
    </section>
  );
}
