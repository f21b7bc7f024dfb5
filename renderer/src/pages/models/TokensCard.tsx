import { useState } from 'react';
import { ExternalLink, KeyRound, Trash2 } from 'lucide-react';
import type { DownloadService } from '@shared/downloads';
import { Button } from '../../components/ui/Button';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { useModels } from '../../stores/models-store';

const SERVICES: Array<{ id: DownloadService; name: string; where: string; why: string }> = [
  {
    id: 'huggingface',
    name: 'Hugging Face',
    where: 'https://huggingface.co/settings/tokens',
    why: 'for gated models (e.g. FLUX.1 [dev]): accept the model’s terms on its page, then make a read token.',
  },
  {
    id: 'civitai',
    name: 'CivitAI',
    where: 'https://civitai.com/user/account',
    why: 'for models that need a login: an API key from your account settings.',
  },
];

function TokenField({ service }: { service: (typeof SERVICES)[number] }) {
  const { tokens, setToken, clearToken } = useModels();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const set = tokens?.[service.id].set ?? false;
  return (
    <div className="token-field">
      <Field
        id={`token-${service.id}`}
        label={`${service.name} token${set ? ' (stored)' : ''}`}
        error={error}
        span="full"
        hint={
          <>
            Optional, {service.why}{' '}
            <a href={service.where} target="_blank" rel="noreferrer">
              Get one
              <ExternalLink size={12} aria-hidden="true" className="inline-icon" />
            </a>
          </>
        }
      >
        <Input
          type="password"
          autoComplete="off"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          placeholder={set ? '•••••••• (stored)' : 'Paste the token'}
        />
      </Field>
      <div className="actions">
        {set && (
          <Button
            variant="danger-ghost"
            size="sm"
            icon={<Trash2 size={14} />}
            onClick={() => void clearToken(service.id)}
          >
            Remove
          </Button>
        )}
        <span className="spacer" />
        <Button
          size="sm"
          disabled={value.trim() === ''}
          onClick={() =>
            void setToken(service.id, value).then((problem) => {
              setError(problem);
              if (!problem) setValue('');
            })
          }
        >
          Save
        </Button>
      </div>
    </div>
  );
}

/** The optional Hugging Face and CivitAI tokens some files need (kept in the secret store, never shown again). */
export function TokensCard() {
  const storage = useModels((s) => s.tokens?.storage);
  return (
    <section className="card form" aria-labelledby="tokens-title">
      <div className="card-header">
        <KeyRound size={18} aria-hidden="true" />
        <h2 id="tokens-title">Download tokens</h2>
      </div>
      {SERVICES.map((s) => (
        <TokenField key={s.id} service={s} />
      ))}
      {storage && <p className="muted small">{storage}</p>}
    </section>
  );
}
