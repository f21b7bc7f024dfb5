/**
 * Which workflows run where in a server: per workflow, the channels it is allowed in (none ticked: every channel
 * the bot answers in). A job for it elsewhere is refused, naming the channels to go to.
 */
import type { BotChannel } from '@shared/api/bot';
import type { WorkflowEntry } from '@shared/api/templates';
import { Checkbox } from '../../components/ui/Checkbox';

/** "every channel", "#art only", "#art, #nsfw". */
export function channelsSummary(ids: readonly string[], channels: readonly BotChannel[]): string {
  if (ids.length === 0) return 'every channel';
  const names = ids.map((id) => `#${channels.find((c) => c.id === id)?.name ?? id}`);
  return names.length === 1 ? `${names[0]} only` : names.join(', ');
}

/** The map with one workflow's channels set (a workflow left with none is dropped: it runs anywhere). */
export function withWorkflowChannels(
  map: Readonly<Record<string, string[]>>,
  workflowId: string,
  ids: readonly string[],
): Record<string, string[]> {
  const next = { ...map };
  if (ids.length === 0) delete next[workflowId];
  else next[workflowId] = [...ids];
  return next;
}

export function WorkflowChannels(props: {
  workflows: readonly WorkflowEntry[];
  channels: readonly BotChannel[];
  value: Readonly<Record<string, string[]>>;
  onSave(next: Record<string, string[]>): void;
}) {
  const { workflows, channels, value, onSave } = props;
  if (workflows.length === 0 || channels.length === 0) return null;
  return (
    <div role="group" aria-label="Workflows by channel" data-testid="workflow-channels">
      <p className="hint">Where each workflow may be used (none ticked: every channel the bot answers in).</p>
      {workflows.map(({ manifest: w }) => {
        const ids = value[w.id] ?? [];
        return (
          <details key={w.id} className="workflow-channels">
            <summary>
              {w.title}: <span className="muted">{channelsSummary(ids, channels)}</span>
            </summary>
            {channels.map((c) => (
              <Checkbox
                key={c.id}
                label={`#${c.name}`}
                checked={ids.includes(c.id)}
                onCheckedChange={(on) =>
                  onSave(withWorkflowChannels(value, w.id, on ? [...ids, c.id] : ids.filter((x) => x !== c.id)))
                }
              />
            ))}
          </details>
        );
      })}
    </div>
  );
}
