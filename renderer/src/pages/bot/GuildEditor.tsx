import { useState } from 'react';
import type { BotGuild, BotUpdateGuildInput } from '@shared/api/bot';
import type { RoleLevel } from '@shared/guilds';
import { Plus, Trash2 } from 'lucide-react';
import { api } from '../../api/client';
import { NumberField } from '../../components/NumberField';
import { Button } from '../../components/ui/Button';
import { Field } from '../../components/ui/Field';
import { IconButton } from '../../components/ui/IconButton';
import { Input } from '../../components/ui/Input';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { Select } from '../../components/ui/Select';
import { useSaveState } from '../../lib/use-save-state';
import { useBot } from '../../stores/bot-store';
import { bannedWords, checkLimits, PER_USER, type LimitErrors, type LimitsText } from './guild-limits';
import { GuildSharing } from './GuildSharing';
import { sharingDraft, sharingSettings, type SharingDraft } from './sharing-draft';

const LEVEL_OPTIONS = [
  { value: 'user', label: 'User' },
  { value: 'generator', label: 'Generator' },
  { value: 'admin', label: 'Admin' },
] satisfies Array<{ value: RoleLevel; label: string }>;

/**
 * One server: who may do what (a level per role, one for everyone else), queue and rate limits, banned words,
 * its share of the GPU (GuildSharing).
 * Saved as it changes (numbers and words when their field is left), checked at the field first.
 */
export function GuildEditor({ guild }: { guild: BotGuild }) {
  const [roles, setRoles] = useState(guild.roles.map((r) => ({ roleId: r.roleId, level: r.level })));
  const [text, setText] = useState<LimitsText>({
    perUser: String(guild.limits.perUserQueue ?? ''),
    rateCount: String(guild.limits.userRate?.count ?? ''),
    rateWindow: String(guild.limits.userRate?.windowSec ?? ''),
  });
  const [errors, setErrors] = useState<LimitErrors>({});
  const [everyone, setEveryone] = useState<RoleLevel>(guild.settings.everyoneLevel ?? 'user');
  const [banned, setBanned] = useState(guild.bannedWords.join(', '));
  const [addRole, setAddRole] = useState('');
  const [sharing, setSharing] = useState(() => sharingDraft(guild));
  const { state, run } = useSaveState();
  const roleName = (id: string) =>
    guild.availableRoles.find((r) => r.id === id)?.name ?? guild.roles.find((r) => r.roleId === id)?.name ?? id;
  const p = `guild-${guild.id}`;

  /** Save with `patch` over the form's current state; the limits only when every limit field is valid. */
  const save = (
    patch: Partial<{
      roles: typeof roles;
      everyone: RoleLevel;
      banned: string;
      text: LimitsText;
      sharing: SharingDraft;
    }>,
  ) => {
    const next = { roles, everyone, banned, text, sharing, ...patch };
    const checked = checkLimits(next.text, guild.limits);
    setErrors(checked.errors);
    if (Object.keys(checked.errors).length > 0) return;
    const input: BotUpdateGuildInput = {
      id: guild.id,
      roles: next.roles,
      limits: checked.limits,
      bannedWords: bannedWords(next.banned),
      settings: { ...guild.settings, everyoneLevel: next.everyone, ...sharingSettings(guild, next.sharing) },
    };
    void run(async () => {
      const saved = await api.call('bot.updateGuild', input);
      useBot.setState((s) => ({ guilds: s.guilds.map((g) => (g.id === saved.id ? saved : g)) }));
    });
  };
  const setRolesAndSave = (next: typeof roles) => {
    setRoles(next);
    save({ roles: next });
  };
  const limitField = (key: keyof LimitsText) => ({
    value: text[key],
    error: errors[key] ?? null,
    onChange: (v: string) => {
      setText((t) => ({ ...t, [key]: v }));
      setErrors((e) => ({ ...e, [key]: undefined }));
    },
    onBlur: () => save({}),
  });

  return (
    <section className="card form guild" aria-label={`Server ${guild.name}`} data-testid="guild-editor">
      <div className="card-header">
        <h3>{guild.name}</h3>
        <span className={`status-pill ${guild.connected ? 'online' : 'stopped'}`}>
          {guild.connected ? 'Connected' : 'Not connected'}
        </span>
        <SaveStatus state={state} testId={`saved-${p}`} />
      </div>
      <fieldset>
        <legend>Who may generate</legend>
        <div className="field-grid">
          <Field id={`${p}-everyone`} label="Everyone else">
            <Select
              value={everyone}
              options={LEVEL_OPTIONS}
              onValueChange={(v) => {
                setEveryone(v as RoleLevel);
                save({ everyone: v as RoleLevel });
              }}
            />
          </Field>
        </div>
        <ul className="role-list">
          {roles.map((r, i) => (
            <li key={r.roleId}>
              <span>@{roleName(r.roleId)}</span>
              <div className="filter-control">
                <Select
                  aria-label={`Level of ${roleName(r.roleId)}`}
                  value={r.level}
                  options={LEVEL_OPTIONS}
                  onValueChange={(v) =>
                    setRolesAndSave(roles.map((x, j) => (j === i ? { ...x, level: v as RoleLevel } : x)))
                  }
                />
              </div>
              <IconButton
                label={`Remove ${roleName(r.roleId)}`}
                icon={<Trash2 size={16} />}
                onClick={() => setRolesAndSave(roles.filter((_, j) => j !== i))}
              />
            </li>
          ))}
        </ul>
        {guild.availableRoles.length > 0 && (
          <div className="input-row">
            <div className="filter-control">
              <Select
                aria-label="Add a role"
                placeholder="Add a role…"
                value={addRole}
                options={guild.availableRoles
                  .filter((r) => !roles.some((x) => x.roleId === r.id))
                  .map((r) => ({ value: r.id, label: `@${r.name}` }))}
                onValueChange={setAddRole}
              />
            </div>
            <Button
              icon={<Plus size={16} />}
              disabled={!addRole}
              onClick={() => {
                setRolesAndSave([...roles, { roleId: addRole, level: 'generator' }]);
                setAddRole('');
              }}
            >
              Add
            </Button>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Limits</legend>
        <div className="field-grid cols-3">
          <NumberField
            id={`${p}-peruser`}
            label="Jobs per member in the queue"
            {...PER_USER}
            placeholder="App default"
            {...limitField('perUser')}
          />
          <NumberField
            id={`${p}-rate`}
            label="Requests per member"
            min={1}
            placeholder="No limit"
            {...limitField('rateCount')}
          />
          <NumberField
            id={`${p}-window`}
            label="Within seconds"
            min={1}
            placeholder="60"
            {...limitField('rateWindow')}
          />
        </div>
        <Field id={`${p}-banned`} label="Banned words" hint="Separated by commas; a prompt with one is refused.">
          <Input
            type="text"
            value={banned}
            onChange={(e) => setBanned(e.target.value)}
            onBlur={() => bannedWords(banned).join(',') !== guild.bannedWords.join(',') && save({})}
            placeholder="e.g. gore, spoiler"
          />
        </Field>
      </fieldset>
      <GuildSharing
        guild={guild}
        value={sharing}
        onChange={setSharing}
        onSave={(d) => {
          setSharing(d);
          save({ sharing: d });
        }}
      />
    </section>
  );
}
