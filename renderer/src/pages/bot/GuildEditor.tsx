import { useState } from 'react';
import type { BotGuild } from '@shared/api/bot';
import { GuildLimitsSchema, type RoleLevel } from '@shared/guilds';
import { Plus, Trash2 } from 'lucide-react';
import { NumberField } from '../../components/NumberField';
import { Button } from '../../components/ui/Button';
import { Field } from '../../components/ui/Field';
import { IconButton } from '../../components/ui/IconButton';
import { Input } from '../../components/ui/Input';
import { Select } from '../../components/ui/Select';
import { numberBounds } from '../../lib/number-bounds';
import { useBot } from '../../stores/bot-store';
import { GuildSharing, sharingDraft, sharingSettings } from './GuildSharing';

const LEVEL_OPTIONS = [
  { value: 'user', label: 'User' },
  { value: 'generator', label: 'Generator' },
  { value: 'admin', label: 'Admin' },
] satisfies Array<{ value: RoleLevel; label: string }>;
const PER_USER = numberBounds(GuildLimitsSchema.shape.perUserQueue);
const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));

/** One server: role → level mapping, queue and rate limits, banned words, its share of the GPU. */
export function GuildEditor({ guild }: { guild: BotGuild }) {
  const [roles, setRoles] = useState(guild.roles.map((r) => ({ roleId: r.roleId, level: r.level })));
  const [perUser, setPerUser] = useState(String(guild.limits.perUserQueue ?? ''));
  const [rateCount, setRateCount] = useState(String(guild.limits.userRate?.count ?? ''));
  const [rateWindow, setRateWindow] = useState(String(guild.limits.userRate?.windowSec ?? ''));
  const [everyone, setEveryone] = useState<RoleLevel>(guild.settings.everyoneLevel ?? 'user');
  const [banned, setBanned] = useState(guild.bannedWords.join(', '));
  const [addRole, setAddRole] = useState('');
  const [sharing, setSharing] = useState(() => sharingDraft(guild));
  const roleName = (id: string) =>
    guild.availableRoles.find((r) => r.id === id)?.name ?? guild.roles.find((r) => r.roleId === id)?.name ?? id;
  const p = `guild-${guild.id}`;

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    const count = num(rateCount);
    const windowSec = num(rateWindow);
    const perUserQueue = num(perUser);
    void useBot.getState().updateGuild({
      id: guild.id,
      roles,
      limits: {
        ...guild.limits,
        perUserQueue,
        userRate: count !== undefined && windowSec !== undefined ? { count, windowSec } : undefined,
      },
      bannedWords: banned
        .split(',')
        .map((w) => w.trim())
        .filter(Boolean),
      settings: { ...guild.settings, everyoneLevel: everyone, ...sharingSettings(guild, sharing) },
    });
  };

  return (
    <form className="card form guild" onSubmit={save} aria-label={`Server ${guild.name}`}>
      <div className="card-header">
        <h3>{guild.name}</h3>
        <span className={`status-pill ${guild.connected ? 'online' : 'stopped'}`}>
          {guild.connected ? 'connected' : 'not connected'}
        </span>
      </div>
      <fieldset>
        <legend>Roles</legend>
        <div className="field-grid">
          <Field id={`${p}-everyone`} label="Everyone else">
            <Select value={everyone} options={LEVEL_OPTIONS} onValueChange={(v) => setEveryone(v as RoleLevel)} />
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
                  onValueChange={(v) => setRoles(roles.map((x, j) => (j === i ? { ...x, level: v as RoleLevel } : x)))}
                />
              </div>
              <IconButton
                label={`Remove ${roleName(r.roleId)}`}
                icon={<Trash2 size={16} />}
                onClick={() => setRoles(roles.filter((_, j) => j !== i))}
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
                setRoles([...roles, { roleId: addRole, level: 'generator' }]);
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
        <div className="field-grid">
          <NumberField
            id={`${p}-peruser`}
            label="Jobs per user in queue"
            {...PER_USER}
            value={perUser}
            onChange={setPerUser}
            placeholder="app default"
          />
          <NumberField
            id={`${p}-rate`}
            label="Requests per user"
            min={1}
            value={rateCount}
            onChange={setRateCount}
            placeholder="no limit"
          />
          <NumberField
            id={`${p}-window`}
            label="Within seconds"
            min={1}
            value={rateWindow}
            onChange={setRateWindow}
            placeholder="60"
          />
        </div>
        <Field id={`${p}-banned`} label="Banned words" hint="Separated by commas; a prompt with one is refused.">
          <Input
            type="text"
            value={banned}
            onChange={(e) => setBanned(e.target.value)}
            placeholder="e.g. gore, spoiler"
          />
        </Field>
      </fieldset>
      <GuildSharing guild={guild} value={sharing} onChange={setSharing} />
      <div className="actions">
        <Button type="submit" variant="primary">
          Save server
        </Button>
      </div>
    </form>
  );
}
