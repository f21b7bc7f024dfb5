import { useEffect, useState } from 'react';
import type { ModelFolder } from '@shared/workflow-manifest';
import { api } from '../../api/client';
import { Badge } from '../../components/ui/Badge';
import { Combobox } from '../../components/ui/Combobox';
import { Field } from '../../components/ui/Field';
import { useImport } from '../../stores/import-store';

/** The files of a folder on the online ComfyUIs (null while loading). */
function useFolder(folder: ModelFolder): string[] | null {
  const [files, setFiles] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    api.call('models.list', { folder }).then(
      (r) => live && setFiles(r.files),
      () => live && setFiles([]),
    );
    return () => {
      live = false;
    };
  }, [folder]);
  return files;
}

function ModelPicker({ index }: { index: number }) {
  const model = useImport((s) => s.manifest!.models[index]!);
  const missing = useImport((s) => s.missing.models.some((m) => m.file === model.default && m.folder === model.folder));
  const files = useFolder(model.folder);
  const options = [...new Set([model.default, ...(files ?? [])])].map((f) => ({
    value: f,
    label: f,
    ...(f === model.default && missing ? { detail: 'not on this ComfyUI' } : {}),
  }));
  const id = `review-model-${index}`;
  return (
    <Field
      id={id}
      label={
        <>
          {model.label ?? model.setting} <span className="muted small">({model.folder})</span>{' '}
          {missing && <Badge tone="danger">missing</Badge>}
        </>
      }
      hint={
        files !== null && files.length === 0
          ? `This ComfyUI has no files in ${model.folder}: put ${model.default} there, or download it on the Models page.`
          : undefined
      }
    >
      <Combobox
        value={model.default}
        options={options}
        onValueChange={(f) => useImport.getState().setModelFile(index, f)}
        searchPlaceholder="Search model files…"
        emptyText="No file matches."
        data-testid={`review-model-${index}`}
      />
    </Field>
  );
}

/** The model files the workflow loads, each with a picker fed by the backend's folder list. */
export function ReviewModels() {
  const count = useImport((s) => s.manifest!.models.length);
  if (count === 0) return <p className="muted">It loads no model files ComfyDesk knows of.</p>;
  return (
    <div className="field-grid cols-2">
      {Array.from({ length: count }, (_, i) => (
        <ModelPicker key={i} index={i} />
      ))}
    </div>
  );
}
