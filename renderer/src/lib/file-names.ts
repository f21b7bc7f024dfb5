/** Names for files leaving the library (downloads, ZIP entries). Pure. */
import type { Output } from '@shared/library';

/** The file's own name (`2025-06-01/ComfyUI_00012_.png` → `ComfyUI_00012_.png`). */
export function fileName(output: Pick<Output, 'filePath' | 'id'>): string {
  return output.filePath.split(/[\\/]/).pop() || `output-${output.id}`;
}

/** Names unique within one ZIP: a second `a.png` becomes `a (2).png`. */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n === 1) return name;
    const dot = name.lastIndexOf('.');
    return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
  });
}
