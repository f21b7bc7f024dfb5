import { useEffect, useState } from 'react';
import type { GpuList } from '@shared/api/launcher';
import { api } from '../../api/client';
import { Checkbox } from '../../components/ui/Checkbox';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { errorMessage } from '../../lib/format';

interface Props {
  /** The GPUs chosen now (saved settings); empty: one ComfyUI. */
  chosen: number[];
  disabled: boolean;
  /** Resolves true once saved. */
  save(cudaDevices: number[]): Promise<boolean>;
}

const memory = (mb: number | null) => (mb === null ? null : `${Math.round(mb / 1024)} GB`);

/** "0, 1" → [0, 1]; null when a part is not a GPU number. */
function parseDevices(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (!parts.every((p) => /^\d{1,2}$/.test(p) && Number(p) <= 63)) return null;
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}

/**
 * Which GPUs ComfyUI runs on: one checkbox per GPU nvidia-smi lists; when it lists none, why, and the numbers
 * typed by hand. None chosen: one ComfyUI that picks its GPU itself.
 */
export function GpuChoice({ chosen, disabled, save }: Props) {
  const [list, setList] = useState<GpuList | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [typed, setTyped] = useState(chosen.join(', '));
  const [typedError, setTypedError] = useState<string | null>(null);
  useEffect(() => {
    api.call('comfy.gpus').then(setList, (err: unknown) => setLoadError(errorMessage(err)));
  }, []);
  // Ticks show at once; one the core refuses goes back (its reason is in the card's save status).
  const [picked, setPicked] = useState(chosen);
  useEffect(() => {
    setPicked(chosen);
    setTyped(chosen.join(', '));
  }, [chosen]);
  const toggle = (index: number, on: boolean) => {
    const next = on
      ? [...picked.filter((d) => d !== index), index].sort((a, b) => a - b)
      : picked.filter((d) => d !== index);
    setPicked(next);
    void save(next).then((saved) => saved || setPicked(chosen));
  };
  const listed = list?.gpus ?? [];
  const unlisted = picked.filter((d) => !listed.some((g) => g.index === d));
  return (
    <fieldset className="gpu-choice" aria-describedby="gpu-choice-hint">
      <legend>GPUs</legend>
      <p className="hint" id="gpu-choice-hint">
        Each GPU you tick gets its own ComfyUI (<code>--cuda-device N</code>) on its own port, and jobs go to the one
        that finishes them soonest. None ticked: one ComfyUI, which picks its GPU itself.
      </p>
      {list === null && !loadError && <p className="muted">Looking for GPUs…</p>}
      {loadError && <p className="banner error">Could not list the GPUs: {loadError}</p>}
      {listed.length > 0 && (
        <div className="gpu-list">
          {[...listed, ...unlisted.map((index) => ({ index, name: 'not listed by nvidia-smi', memoryMb: null }))].map(
            (g) => (
              <Checkbox
                key={g.index}
                data-testid={`gpu-${g.index}`}
                label={`GPU ${g.index} · ${g.name}`}
                description={memory(g.memoryMb)}
                checked={picked.includes(g.index)}
                disabled={disabled}
                onCheckedChange={(on) => toggle(g.index, on)}
              />
            ),
          )}
        </div>
      )}
      {list && listed.length === 0 && (
        <Field
          id="launch-gpus"
          label="GPU numbers"
          error={typedError}
          hint={`${list.note ?? 'No GPU was found.'} Type the numbers of the GPUs to run ComfyUI on (e.g. 0, 1), or leave it empty for one ComfyUI.`}
        >
          <Input
            type="text"
            inputMode="numeric"
            spellCheck={false}
            value={typed}
            disabled={disabled}
            placeholder="0, 1"
            onChange={(e) => {
              setTyped(e.target.value);
              setTypedError(null);
            }}
            onBlur={() => {
              const devices = parseDevices(typed);
              if (!devices) return setTypedError('GPU numbers are whole numbers from 0 to 63, e.g. 0, 1.');
              if (devices.join(',') !== chosen.join(',')) void save(devices);
            }}
            onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
          />
        </Field>
      )}
    </fieldset>
  );
}
