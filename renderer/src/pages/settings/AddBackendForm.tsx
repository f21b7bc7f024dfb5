import { useState } from 'react';
import { Plus, ShieldCheck } from 'lucide-react';
import { ApiError } from '@shared/api';
import type { PeerCertificate } from '@shared/api/backends';
import type { BackendSummary } from '@shared/api/health';
import { CERTIFICATE_NOT_TRUSTED } from '@shared/backend-auth';
import { api } from '../../api/client';
import { Button } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { withScheme } from '../../lib/backend-url';
import { errorMessage } from '../../lib/format';
import { toast } from '../../stores/toast-store';
import { NO_ACCESS, accessOf, type AccessDraft } from '../../lib/backend-access';
import { AccessFields } from './AccessFields';
import { CertificateFacts } from './CertificateFacts';

interface Props {
  /** Prefix of the fields' ids. */
  idPrefix: string;
  /** The form's accessible name. */
  name: string;
  label: string;
  hint: string;
  submitLabel: string;
  /** Offer "add it even if it does not answer now". */
  offerForce?: boolean;
  onAdded?(backend: BackendSummary): void;
}

/**
 * Add a ComfyUI by its address, with the access a reverse proxy in front of it wants. An https address whose
 * certificate is not trusted (a home lab's self-signed proxy) is not added: the form shows the certificate's
 * fingerprint to compare with whoever runs it, and adds it trusting that one certificate when asked.
 */
export function AddBackendForm({ idPrefix, name, label, hint, submitLabel, offerForce = true, onAdded }: Props) {
  const [url, setUrl] = useState('');
  const [access, setAccess] = useState<AccessDraft>(NO_ACCESS);
  const [force, setForce] = useState(false);
  const [adding, setAdding] = useState(false);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [accessError, setAccessError] = useState<string | null>(null);
  /** The certificate to decide about, from the last refusal. */
  const [certificate, setCertificate] = useState<PeerCertificate | null>(null);

  const add = async (trustCertificate?: string) => {
    const checked = accessOf(access);
    if ('error' in checked) return setAccessError(checked.error);
    const address = withScheme(url);
    setAdding(true);
    try {
      const input = {
        url: address,
        force,
        ...(checked.auth ? { auth: checked.auth } : {}),
        ...(trustCertificate ? { trustCertificate } : {}),
      };
      const added = await api.call('backends.add', input);
      toast.success(`Added ${added.name} (${added.status}).`);
      setUrl('');
      setAccess(NO_ACCESS);
      setForce(false);
      setCertificate(null);
      setUrlError(null);
      onAdded?.(added);
    } catch (err) {
      const untrusted = err instanceof ApiError && err.title === CERTIFICATE_NOT_TRUSTED;
      const shown = untrusted ? await api.call('backends.certificate', { url: address }).catch(() => null) : null;
      setCertificate(shown);
      if (!shown) setUrlError(errorMessage(err));
    } finally {
      setAdding(false);
    }
  };

  return (
    <form
      className="add-backend"
      aria-label={name}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <Field id={`${idPrefix}-url`} label={label} hint={hint} error={urlError}>
        <div className="input-row">
          <Input
            className="grow"
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="http://192.168.1.20:8188"
            value={url}
            onChange={(e) => {
              setUrl(e.target.value);
              setUrlError(null);
              setCertificate(null);
            }}
          />
          <Button
            type="submit"
            variant="primary"
            icon={<Plus size={16} />}
            loading={adding}
            disabled={!url.trim() || certificate !== null}
          >
            {adding ? 'Checking…' : submitLabel}
          </Button>
        </div>
      </Field>
      <AccessFields
        idPrefix={idPrefix}
        value={access}
        error={accessError}
        onChange={(next) => {
          setAccess(next);
          setAccessError(null);
        }}
      />
      {offerForce && (
        <Checkbox label="Add it even if it does not answer now" checked={force} onCheckedChange={setForce} />
      )}
      {certificate && (
        <div className="banner warn certificate-ask" role="group" aria-label="Certificate not trusted">
          <p>
            The certificate of this address is not trusted
            {certificate.reason ? ` (${certificate.reason})` : ''}. If whoever runs that ComfyUI confirms this
            fingerprint, trust this one certificate for it; any other certificate will still be refused.
          </p>
          <CertificateFacts certificate={certificate.certificate} />
          <div className="actions">
            <Button
              variant="primary"
              icon={<ShieldCheck size={16} />}
              loading={adding}
              onClick={() => void add(certificate.certificate.fingerprint256)}
            >
              Trust this certificate and add
            </Button>
            <Button onClick={() => setCertificate(null)}>Cancel</Button>
          </div>
        </div>
      )}
    </form>
  );
}
