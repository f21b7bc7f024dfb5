import { useEffect, useState } from 'react';
import { FileUp } from 'lucide-react';
import { isWorkflowFile, useImport } from '../stores/import-store';
import { toast } from '../stores/toast-store';
import '../styles/import-health.css';

/** Drags that started inside the page (an image from the gallery) are not files to import. */
let internalDrag = false;

const carriesFiles = (e: DragEvent) => !internalDrag && (e.dataTransfer?.types.includes('Files') ?? false);
/** A drop zone of its own (an image slot on Generate) takes the file: no import there. */
const overOwnZone = (e: DragEvent) => e.target instanceof Element && e.target.closest('.drop') !== null;

/**
 * Drop a workflow anywhere in the window to import it: a JSON (API or editor format) or a PNG made by ComfyUI. A
 * hint shows while a file is dragged over the window; the review opens on the Workflows page.
 */
export function WindowDrop() {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const onDragStart = () => (internalDrag = true);
    const onDragEnd = () => (internalDrag = false);
    const onEnter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth += 1;
      setDragging(true);
    };
    const onLeave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (!carriesFiles(e) || overOwnZone(e)) return;
      e.preventDefault(); // allow the drop here
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (e: DragEvent) => {
      depth = 0;
      setDragging(false);
      if (e.defaultPrevented || !carriesFiles(e) || overOwnZone(e)) return;
      e.preventDefault();
      const files = [...(e.dataTransfer?.files ?? [])];
      const file = files.find(isWorkflowFile);
      if (file) void useImport.getState().open(file);
      else if (files[0])
        toast.info(`${files[0].name} is not a workflow: drop a workflow JSON, or a PNG made by ComfyUI.`);
    };
    window.addEventListener('dragstart', onDragStart);
    window.addEventListener('dragend', onDragEnd);
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragstart', onDragStart);
      window.removeEventListener('dragend', onDragEnd);
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  if (!dragging) return null;
  return (
    <div className="window-drop" role="status" data-testid="window-drop">
      <FileUp size={20} aria-hidden="true" />
      Drop a workflow (JSON, or a PNG made by ComfyUI) to import it
    </div>
  );
}
