import { useRef, useState } from 'react';
import { FileUp } from 'lucide-react';
import { Button } from '../../components/ui/Button';
import { IMPORT_ACCEPT, isWorkflowFile, useImport } from '../../stores/import-store';

/** Where a workflow file is dropped or chosen on the Workflows page. */
export function ImportDrop() {
  const reading = useImport((s) => s.reading);
  const open = useImport((s) => s.open);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const take = (file: File | undefined) => {
    if (file) void open(file);
  };
  return (
    <div
      className={`drop import-drop${over ? ' over' : ''}`}
      data-testid="import-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        take([...e.dataTransfer.files].find(isWorkflowFile) ?? e.dataTransfer.files[0]);
      }}
    >
      <FileUp size={28} aria-hidden="true" className="muted" />
      <p>
        {reading
          ? 'Reading the workflow…'
          : 'Drop a ComfyUI workflow here (or anywhere in the window): a workflow JSON — API or editor format — or a PNG made by ComfyUI.'}
      </p>
      <Button
        icon={<FileUp size={16} />}
        loading={reading}
        onClick={() => input.current?.click()}
        data-testid="import-choose"
      >
        Choose a file
      </Button>
      <input
        ref={input}
        type="file"
        accept={IMPORT_ACCEPT}
        hidden
        data-testid="import-file"
        onChange={(e) => {
          take(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
    </div>
  );
}
