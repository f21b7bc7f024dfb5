import { useState } from 'react';
import { Link2 } from 'lucide-react';
import { DOWNLOAD_FOLDERS, type DownloadFolder } from '@shared/downloads';
import { Button } from '../../components/ui/Button';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { Select } from '../../components/ui/Select';
import { useModels } from '../../stores/models-store';

/** Any public file link (a Hugging Face file, a CivitAI model) into the folder the user picks. */
export function LinkDownload() {
  const download = useModels((s) => s.download);
  const [url, setUrl] = useState('');
  const [folder, setFolder] = useState<DownloadFolder>('loras');
  const [sha, setSha] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    const problem = await download({ url: url.trim(), folder, ...(sha.trim() ? { sha256: sha.trim() } : {}) });
    setBusy(false);
    setError(problem);
    if (!problem) {
      setUrl('');
      setSha('');
    }
  };
  return (
    <form
      className="card form"
      aria-labelledby="link-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <div className="card-header">
        <Link2 size={18} aria-hidden="true" />
        <h2 id="link-title">Download from a link</h2>
      </div>
      <Field
        id="link-url"
        label="Link"
        error={error}
        span="full"
        hint="A Hugging Face file link or a CivitAI model page."
      >
        <Input
          value={url}
          spellCheck={false}
          onChange={(e) => {
            setUrl(e.target.value);
            setError(null);
          }}
          placeholder="https://huggingface.co/…/resolve/main/model.safetensors"
        />
      </Field>
      <Field id="link-folder" label="Into the folder">
        <Select
          value={folder}
          onValueChange={(v) => setFolder(v as DownloadFolder)}
          options={DOWNLOAD_FOLDERS.map((f) => ({ value: f, label: f }))}
        />
      </Field>
      <Field id="link-sha" label="SHA-256 (optional)" hint="When the page shows it: the file is checked against it.">
        <Input value={sha} spellCheck={false} onChange={(e) => setSha(e.target.value)} placeholder="64 hex digits" />
      </Field>
      <div className="actions">
        <span className="spacer" />
        <Button type="submit" variant="primary" loading={busy} disabled={url.trim() === ''}>
          Download
        </Button>
      </div>
    </form>
  );
}
