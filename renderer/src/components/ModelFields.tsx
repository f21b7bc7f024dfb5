import { useEffect } from 'react';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import { useModels } from '../stores/models-store';
import { useNav } from '../stores/nav-store';
import { Combobox } from './ui/Combobox';
import { Field } from './ui/Field';
import { Input } from './ui/Input';

export interface LoraValue {
  name: string;
  strength?: number;
}

interface Props {
  idPrefix: string;
  manifest: WorkflowManifest;
  /** Files chosen here, by model setting; a setting not in it uses `remembered`, then the workflow's default. */
  models: Readonly<Record<string, string>>;
  remembered: Readonly<Record<string, string>>;
  /** undefined: the remembered LoRA (if any); null: none. */
  lora: LoraValue | null | undefined;
  onModel(setting: string, file: string): void;
  onLora(lora: LoraValue | null): void;
}

const NONE = '';

/**
 * A picker for each model file the workflow uses (checkpoint, UNet, CLIP, VAE, upscaler) and its LoRA with
 * strength, fed by the files ComfyUI has in each folder (searchable, every file). A chosen file ComfyUI does not
 * have says so, with the way to the Models page.
 */
export function ModelFields({ idPrefix, manifest, models, remembered, lora, onModel, onLora }: Props) {
  const files = useModels((s) => s.files);
  const loadFolder = useModels((s) => s.loadFolder);
  const folders = [...new Set([...manifest.models.map((m) => m.folder), ...(manifest.lora ? ['loras'] : [])])];
  const key = folders.join(',');
  useEffect(() => {
    for (const f of key.split(',')) if (f) void loadFolder(f);
  }, [key, loadFolder]);
  const slot = manifest.lora;
  const loraName = lora === undefined ? (slot ? (remembered[slot.setting] ?? NONE) : NONE) : (lora?.name ?? NONE);
  const loraFiles = files.loras ?? [];
  return (
    <div className="field-grid cols-2 model-fields">
      {manifest.models.map((m) => {
        const value = models[m.setting] ?? remembered[m.setting] ?? m.default;
        const list = files[m.folder];
        const missing = list !== undefined && !list.includes(value);
        const options = [...new Set([value, ...(list ?? [])])].map((f) => ({
          value: f,
          label: f,
          ...(list !== undefined && !list.includes(f) ? { detail: 'not on ComfyUI' } : {}),
        }));
        return (
          <Field
            key={m.setting}
            id={`${idPrefix}-model-${m.setting}`}
            label={m.label ?? m.folder}
            error={missing ? 'ComfyUI does not have this file: get it on the Models page, or pick another.' : null}
            aside={
              missing ? (
                <button type="button" className="link-button" onClick={() => useNav.getState().go('models')}>
                  Models page
                </button>
              ) : undefined
            }
          >
            <Combobox
              value={value}
              options={options}
              onValueChange={(f) => onModel(m.setting, f)}
              onOpenChange={(open) => open && void loadFolder(m.folder)}
              searchPlaceholder={`Search ${m.folder}…`}
              emptyText={`ComfyUI has no ${m.folder} files.`}
              data-testid={`${idPrefix}-model-${m.folder}`}
            />
          </Field>
        );
      })}
      {slot && (
        <>
          <Field id={`${idPrefix}-lora`} label="LoRA (optional)">
            <Combobox
              value={loraName}
              options={[
                { value: NONE, label: 'None' },
                ...[...new Set([...(loraName ? [loraName] : []), ...loraFiles])].map((f) => ({ value: f, label: f })),
              ]}
              onValueChange={(f) =>
                onLora(
                  f === NONE ? null : { name: f, ...(lora?.strength !== undefined ? { strength: lora.strength } : {}) },
                )
              }
              onOpenChange={(open) => open && void loadFolder('loras')}
              searchPlaceholder="Search LoRAs…"
              emptyText="ComfyUI has no LoRA files."
              data-testid={`${idPrefix}-lora`}
            />
          </Field>
          <Field
            id={`${idPrefix}-lora-strength`}
            label="LoRA strength"
            hint={`${slot.strength.min} to ${slot.strength.max}; ${slot.strength.default} by default`}
          >
            <Input
              type="number"
              step={0.05}
              min={slot.strength.min}
              max={slot.strength.max}
              disabled={loraName === NONE}
              value={lora?.strength ?? slot.strength.default}
              onChange={(e) => {
                const n = Number(e.target.value);
                if (loraName !== NONE && Number.isFinite(n)) onLora({ name: loraName, strength: n });
              }}
            />
          </Field>
        </>
      )}
    </div>
  );
}
