import { useRef, useState } from 'react';
import { ImagePlus, Trash2 } from 'lucide-react';
import { Button } from '../../components/ui/Button';
import { useGenerate } from '../../stores/generate-store';

/** One input image of the workflow: drop a file, paste, or pick one; uploaded with jobs.uploadInput. */
export function ImageDrop({ slot, label, required }: { slot: number; label: string; required: boolean }) {
  const image = useGenerate((s) => s.draft.images.find((i) => i.slot === slot));
  const upload = useGenerate((s) => s.upload);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const take = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(await upload(slot, file));
    setBusy(false);
  };
  const id = `gen-image-${slot}`;
  return (
    <div
      className={`drop${over ? ' over' : ''}${image ? ' filled' : ''}${error ? ' has-error' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void take(e.dataTransfer.files[0]);
      }}
      onPaste={(e) => void take([...e.clipboardData.files][0])}
      data-testid={`image-drop-${slot}`}
    >
      <label htmlFor={id} className="drop-label">
        {label}
        <span className="muted">{required ? ' · required' : ' · optional'}</span>
      </label>
      {image ? (
        <img src={image.previewUrl} alt={`${label}: ${image.filename}`} />
      ) : (
        <span className="muted">{busy ? 'Uploading…' : 'Drop an image here, paste one, or'}</span>
      )}
      <div className="drop-actions">
        <Button size="sm" icon={<ImagePlus size={16} />} onClick={() => input.current?.click()} loading={busy}>
          {image ? 'Replace' : 'Choose file'}
        </Button>
        {image && (
          <Button
            size="sm"
            variant="ghost"
            icon={<Trash2 size={16} />}
            onClick={() => {
              const { draft, setDraft } = useGenerate.getState();
              setDraft({ images: draft.images.filter((i) => i.slot !== slot) });
            }}
          >
            Remove
          </Button>
        )}
      </div>
      {error && (
        <small className="field-error" role="alert" id={`${id}-error`}>
          {error}
        </small>
      )}
      <input
        ref={input}
        id={id}
        type="file"
        accept="image/png,image/jpeg,image/webp"
        hidden
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => void take(e.target.files?.[0])}
      />
    </div>
  );
}
