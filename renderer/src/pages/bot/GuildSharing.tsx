/**
 * A server's share of the GPU, inside its GuildEditor: per role (and @everyone) a weight in the fair share and
 * GPU minutes per day; the server's time zone (quotas reset at its midnight); the channels the bot answers in;
 * which workflows run in which channels (WorkflowChannels); words allowed only in age-restricted channels; results
 * as spoilers elsewhere.
 */
import { useEffect, useState } from 'react';
import type { BotChannel, BotGuild } from '@shared/api/bot';
import { api } from '../../api/client';
import { Checkbox } from '../../components/ui/Checkbox';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { useCatalog } from '../../stores/catalog-store';
import type { SharingDraft } from './sharing-draft';
import { WorkflowChannels } from './WorkflowChannels';
import '../../styles/usage.css';

/** Text is saved when its field is left (`onSave`), a tick at once. */
export function GuildSharing(props: {
  guild: BotGuild;
  value: SharingDraft;
  onChange(d: SharingDraft): void;
  onSave(d: SharingDraft): void;
}) {
  const { guild, value: d, onChange, onSave } = props;
  const leave = { onBlur: () => onSave(d) };
  const [channels, setChannels] = useState<BotChannel[]>([]);
  const workflows = useCatalog((s) => s.workflows);
  useEffect(() => {
    if (!guild.connected) return;
    api
      .call('bot.channels', { guildId: guild.id })
      .then(setChannels)
      .catch(() => setChannels([]));
  }, [guild.id, guild.connected]);
  const p = `guild-${guild.id}-share`;
  const rows = [
    { id: guild.id, name: '@everyone' },
    ...guild.roles.map((r) => ({ id: r.roleId, name: `@${r.name ?? r.roleId}` })),
  ];
  const setShare = (roleId: string, key: 'weight' | 'minutes', v: string) =>
    onChange({ ...d, shares: { ...d.shares, [roleId]: { weight: '', minutes: '', ...d.shares[roleId], [key]: v } } });

  return (
    <fieldset data-testid="guild-sharing">
      <legend>Sharing the GPU</legend>
      <p className="hint">
        Weight: a role’s share when several people wait (2 = twice the GPU time). Minutes: GPU minutes per day (the
        highest a member holds applies; empty = no limit).
      </p>
      <ul className="share-list" data-testid="share-list">
        {rows.map((r) => (
          <li key={r.id}>
            <span>{r.name}</span>
            <Input
              aria-label={`Weight of ${r.name}`}
              type="number"
              min={0.1}
              max={10}
              step={0.1}
              placeholder="1"
              value={d.shares[r.id]?.weight ?? ''}
              onChange={(e) => setShare(r.id, 'weight', e.target.value)}
              {...leave}
            />
            <Input
              aria-label={`GPU minutes per day of ${r.name}`}
              type="number"
              min={0}
              max={1440}
              placeholder="no limit"
              value={d.shares[r.id]?.minutes ?? ''}
              onChange={(e) => setShare(r.id, 'minutes', e.target.value)}
              {...leave}
            />
          </li>
        ))}
      </ul>
      <Field id={`${p}-tz`} label="Time zone" hint="Quotas reset at midnight here; empty for the app’s.">
        <Input
          value={d.timeZone}
          placeholder="e.g. Europe/Berlin"
          onChange={(e) => onChange({ ...d, timeZone: e.target.value })}
          {...leave}
        />
      </Field>
      {channels.length > 0 && (
        <div role="group" aria-label="Channels the bot answers in">
          <p className="hint">Channels the bot answers in (none ticked: every channel).</p>
          {channels.map((c) => (
            <Checkbox
              key={c.id}
              label={`#${c.name}`}
              checked={d.channels.includes(c.id)}
              onCheckedChange={(on) =>
                onSave({ ...d, channels: on ? [...d.channels, c.id] : d.channels.filter((x) => x !== c.id) })
              }
            />
          ))}
        </div>
      )}
      <WorkflowChannels
        workflows={workflows}
        channels={channels}
        value={d.workflowChannels}
        onSave={(workflowChannels) => onSave({ ...d, workflowChannels })}
      />
      <Field
        id={`${p}-nsfw`}
        label="Words only for age-restricted channels"
        hint="Separated by commas; elsewhere a prompt with one is refused, naming the word."
      >
        <Input value={d.nsfwWords} onChange={(e) => onChange({ ...d, nsfwWords: e.target.value })} {...leave} />
      </Field>
      <Checkbox
        label="Post results as spoilers in channels that are not age-restricted"
        checked={d.spoiler}
        onCheckedChange={(spoiler) => onSave({ ...d, spoiler })}
      />
    </fieldset>
  );
}
