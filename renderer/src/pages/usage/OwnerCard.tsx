/**
 * The owner on Discord: link the desktop user's own Discord account (a one-time code to DM the bot with /link),
 * who is stopped from generating, and the log of every owner action (from Discord or here), kept current by the
 * core's `owner.changed` event.
 */
import { useCallback, useEffect, useState } from 'react';
import type { OwnerAction, OwnerStatus, UserBlock } from '@shared/api/owner';
import { api } from '../../api/client';
import { Button } from '../../components/ui/Button';
import { errorMessage, formatDate } from '../../lib/format';
import { toast } from '../../stores/toast-store';

export function OwnerCard() {
  const [status, setStatus] = useState<OwnerStatus | null>(null);
  const [code, setCode] = useState<{ code: string; expiresAt: number } | null>(null);
  const [actions, setActions] = useState<OwnerAction[]>([]);
  const [blocks, setBlocks] = useState<UserBlock[]>([]);
  const load = useCallback(async () => {
    try {
      const [s, a, b] = await Promise.all([
        api.call('owner.status', {}),
        api.call('owner.actions', { limit: 100 }),
        api.call('owner.blocks', {}),
      ]);
      setStatus(s);
      setActions(a);
      setBlocks(b);
      if (s.linked || s.codeExpiresAt === null) setCode(null);
    } catch (err) {
      toast.error(errorMessage(err));
    }
  }, []);
  useEffect(() => {
    void load();
    return api.on('owner.changed', () => void load());
  }, [load]);

  const act = (fn: () => Promise<unknown>) => () => void fn().catch((err: unknown) => toast.error(errorMessage(err)));

  return (
    <div className="card" data-testid="owner-card">
      <div className="card-header">
        <h2>You on Discord</h2>
      </div>
      {status?.linked ? (
        <p data-testid="owner-linked">
          Linked to <strong>{status.linked.userName}</strong> since {formatDate(status.linked.linkedAt)}. That account
          has /owner anywhere the bot is: pause and resume the queue, cancel any job, stop someone from generating,
          health, restart ComfyUI, free VRAM, bot status.{' '}
          <Button size="sm" variant="danger-ghost" onClick={act(() => api.call('owner.unlink', {}))}>
            Unlink
          </Button>
        </p>
      ) : (
        <div className="owner-link">
          <p className="muted">
            Link your own Discord account to use the owner’s controls from your phone. Get a code, then send
            <code> /link code:…</code> to the bot in a direct message within 10 minutes.
          </p>
          {code ? (
            <p data-testid="link-code">
              <code className="link-code">{code.code}</code> works until {formatDate(code.expiresAt)}.
            </p>
          ) : null}
          <Button
            data-testid="link-code-button"
            onClick={act(async () => setCode(await api.call('owner.linkCode', {})))}
          >
            {code ? 'New code' : 'Get a link code'}
          </Button>
        </div>
      )}

      <h3>Stopped from generating</h3>
      {blocks.length === 0 ? (
        <p className="muted">Nobody.</p>
      ) : (
        <ul className="owner-blocks" data-testid="owner-blocks">
          {blocks.map((b) => (
            <li key={`${b.userId}:${b.guildId ?? ''}`}>
              <strong>{b.userName}</strong> {b.guildName ? `in ${b.guildName}` : 'everywhere'}: “{b.reason}” ({b.by},{' '}
              {formatDate(b.at)}){' '}
              <Button
                size="sm"
                variant="ghost"
                onClick={act(() => api.call('owner.act', { action: 'unblock', userId: b.userId, guildId: b.guildId }))}
              >
                Let them generate
              </Button>
            </li>
          ))}
        </ul>
      )}

      <h3>Owner actions</h3>
      {actions.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <table className="usage-table" data-testid="owner-actions">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {actions.map((a) => (
              <tr key={a.id} data-action={a.action}>
                <td>{formatDate(a.at)}</td>
                <td>
                  {a.userName}
                  <span className="muted"> · {a.via === 'discord' ? 'Discord' : 'this app'}</span>
                </td>
                <td>{a.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
