import type { AccessDraft } from '../../lib/backend-access';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { Select } from '../../components/ui/Select';

const KINDS = [
  { value: 'none', label: 'None (ComfyUI answers directly)' },
  { value: 'bearer', label: 'Access token (bearer)' },
  { value: 'basic', label: 'User name and password' },
] as const;

interface Props {
  /** Prefix of the fields' ids (several forms can be on one page). */
  idPrefix: string;
  value: AccessDraft;
  onChange(value: AccessDraft): void;
  /** What is missing (under the secret's field). */
  error?: string | null;
  /** Name the backend in the labels (a row's editor). */
  forName?: string;
}

/**
 * How a ComfyUI behind a reverse proxy (nginx, Caddy) is reached: nothing, a token, or a user name and password.
 * Secrets are typed into password fields and never shown back.
 */
export function AccessFields({ idPrefix, value, onChange, error, forName }: Props) {
  const set = (patch: Partial<AccessDraft>) => onChange({ ...value, ...patch });
  const of = forName ? ` for ${forName}` : '';
  return (
    <div className="access-fields">
      <Field
        id={`${idPrefix}-access`}
        label={`Access${of}`}
        hint="For a ComfyUI behind a reverse proxy that asks for a token or a password (ask whoever runs it)."
      >
        <Select
          value={value.kind}
          options={KINDS}
          onValueChange={(kind) => set({ kind: kind as AccessDraft['kind'] })}
          data-testid={`${idPrefix}-access-kind`}
        />
      </Field>
      {value.kind === 'bearer' && (
        <Field id={`${idPrefix}-token`} label={`Access token${of}`} error={error}>
          <Input
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={value.token}
            onChange={(e) => set({ token: e.target.value })}
          />
        </Field>
      )}
      {value.kind === 'basic' && (
        <>
          <Field id={`${idPrefix}-user`} label={`User name${of}`} error={error}>
            <Input
              autoComplete="off"
              spellCheck={false}
              value={value.username}
              onChange={(e) => set({ username: e.target.value })}
            />
          </Field>
          <Field id={`${idPrefix}-password`} label={`Password${of}`}>
            <Input
              type="password"
              autoComplete="new-password"
              value={value.password}
              onChange={(e) => set({ password: e.target.value })}
            />
          </Field>
        </>
      )}
    </div>
  );
}
