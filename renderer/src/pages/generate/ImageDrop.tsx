import { useRef, useState } from 'react';
import { useGenerate } from '../../stores/generate-store';

/** One input image of the workflow: drop a file, paste, or pick one; uploaded with jobs.uploadInput. */
export function ImageDrop({ slot, label, required }: { slot: number; label: string; required: boolean }) {
  const image = useGenerate((s) => s.draft.images.find((i) => i.slot === slot));
  const upload = useGenerate((s) => s.upload);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const take = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    await upload(slot, file);
    setBusy(false);
  };
  const id = `gen-image-${slot}`;
  return (
    <div
      className={`drop${over ? ' over' : ''}${image ? ' filled' : ''}`}
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
        {required ? ' (required)' : ' (optional)'}
      </label>
      {image ? (
        <img src={image.previewUrl} alt={`${label}: ${image.filename}`} />
      ) : (
        <span className="muted">{busy ? 'Uploading…' : 'Drop an image here, paste, or'}</span>
      )}
      <div className="drop-actions">
        <button type="button" onClick={() => input.current?.click()} disabled={busy}>
          {image ? 'Replace' : 'Choose file'}
        </button>
        {image && (
          <button
            type="button"
            className="subtle"
            onClick={() => {
              const { draft, setDraft } = useGenerate.getState();
              setDraft({ images: draft.images.filter((i) => i.slot !== slot) });
            }}
          >
            Remove
          </button>
        )}
      </div>
      <input
        ref={input}
        id={id}
        type="file"
        accept="image/png,image/jpeg,image/webp"
        hidden
        onChange={(e) => void take(e.target.files?.[0])}
      />
    </div>
  );
}
