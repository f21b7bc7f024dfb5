import { useState } from 'react';
import type { BotGuild } from '@shared/api/bot';
import { GuildLimitsSchema, type RoleLevel } from '@shared/guilds';
import { NumberField } from '../../components/NumberField';
import { numberBounds } from '../../lib/number-bounds';
import { useBot } from '../../stores/bot-store';

const LEVELS: RoleLevel[] = ['user', 'generator', 'admin'];
const PER_USER = numberBounds(GuildLimitsSchema.shape.perUserQueue);
const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));

/** One server: role → level mapping, queue and rate limits, banned words. */
export function GuildEditor({ guild }: { guild: BotGuild }) {
  const [roles, setRoles] = useState(guild.roles.map((r) => ({ roleId: r.roleId, level: r.level })));
  const [perUser, setPerUser] = useState(String(guild.limits.perUserQueue ?? ''));
  const [rateCount, setRateCount] = useState(String(guild.limits.userRate?.count ?? ''));
  const [rateWindow, setRateWindow] = useState(String(guild.limits.userRate?.windowSec ?? ''));
  const [everyone, setEveryone] = useState<RoleLevel>(guild.settings.everyoneLevel ?? 'user');
  const [banned, setBanned] = useState(guild.bannedWords.join(', '));
  const [addRole, setAddRole] = useState('');
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
      settings: { ...guild.settings, everyoneLevel: everyone },
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
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${p}-everyone`}>Everyone else</label>
            <select id={`${p}-everyone`} value={everyone} onChange={(e) => setEveryone(e.target.value as RoleLevel)}>
              {LEVELS.map((l) => (
                <option key={l}>{l}</option>
              ))}
            </select>
          </div>
        </div>
        <ul className="role-list">
          {roles.map((r, i) => (
            <li key={r.roleId}>
              <span>@{roleName(r.roleId)}</span>
              <label>
                <span className="sr-only">Level of {roleName(r.roleId)}</span>
                <select
                  value={r.level}
                  onChange={(e) =>
                    setRoles(roles.map((x, j) => (j === i ? { ...x, level: e.target.value as RoleLevel } : x)))
                  }
                >
                  {LEVELS.map((l) => (
                    <option key={l}>{l}</option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="subtle"
                aria-label={`Remove ${roleName(r.roleId)}`}
                onClick={() => setRoles(roles.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        {guild.availableRoles.length > 0 && (
          <div className="input-row">
            <label>
              <span className="sr-only">Add a role</span>
              <select value={addRole} onChange={(e) => setAddRole(e.target.value)}>
                <option value="">Add a role…</option>
                {guild.availableRoles
                  .filter((r) => !roles.some((x) => x.roleId === r.id))
                  .map((r) => (
                    <option key={r.id} value={r.id}>
                      @{r.name}
                    </option>
                  ))}
              </select>
            </label>
            <button
              type="button"
              disabled={!addRole}
              onClick={() => {
                setRoles([...roles, { roleId: addRole, level: 'generator' }]);
                setAddRole('');
              }}
            >
              Add
            </button>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Limits</legend>
        <div className="field-row">
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
            label="per seconds"
            min={1}
            value={rateWindow}
            onChange={setRateWindow}
            placeholder="60"
          />
        </div>
        <div className="field">
          <label htmlFor={`${p}-banned`}>Banned words (comma separated)</label>
          <input id={`${p}-banned`} type="text" value={banned} onChange={(e) => setBanned(e.target.value)} />
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary">
          Save server
        </button>
      </div>
    </form>
  );
}
