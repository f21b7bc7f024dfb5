import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { Button } from '../../components/ui/Button';
import { Combobox } from '../../components/ui/Combobox';
import { Dialog } from '../../components/ui/Dialog';
import { Field } from '../../components/ui/Field';
import { errorMessage } from '../../lib/format';
import { useHealth, type ChooseFix } from '../../stores/health-store';

/** "Choose a file": one of the files ComfyUI has in that folder, saved as the workflow's model setting. */
export function ChooseModelDialog({ fix }: { fix: ChooseFix }) {
  const close = () => useHealth.getState().choose(null);
  const chooseFile = useHealth((s) => s.chooseFile);
  const [files, setFiles] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState('');
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    api.call('models.list', { folder: fix.folder }).then(
      (r) => setFiles(r.files),
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [fix.folder]);
  return (
    <Dialog title={`Choose a file for ${fix.file}`} onClose={close} showTitle testId="choose-model-dialog">
      <p className="muted">
        {fix.file} is not in {fix.folder} on this ComfyUI. Pick a file it has instead: the workflow uses it from now on
        (Generate, templates and Discord alike).
      </p>
      <Field id="choose-model-file" label={`Files in ${fix.folder}`} error={error}>
        <Combobox
          value={file}
          options={(files ?? []).map((f) => ({ value: f, label: f }))}
          onValueChange={setFile}
          placeholder={files === null ? 'Loading…' : files.length === 0 ? 'This folder is empty' : 'Choose a file'}
          searchPlaceholder="Search files…"
          emptyText="No file matches."
          disabled={!files || files.length === 0}
          data-testid="choose-model-file"
        />
      </Field>
      <div className="actions">
        <Button variant="ghost" onClick={close}>
          Cancel
        </Button>
        <Button
          variant="primary"
          disabled={!file}
          loading={saving}
          data-testid="choose-model-save"
          onClick={() => {
            setSaving(true);
            void chooseFile(fix, file).finally(() => setSaving(false));
          }}
        >
          Use this file
        </Button>
      </div>
    </Dialog>
  );
}
