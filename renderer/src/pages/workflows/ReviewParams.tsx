import { Trash2 } from 'lucide-react';
import type { ManifestParameter } from '@shared/workflow-manifest';
import { Combobox } from '../../components/ui/Combobox';
import { IconButton } from '../../components/ui/IconButton';
import { Input } from '../../components/ui/Input';
import { useImport } from '../../stores/import-store';

/** A number typed in a cell: a number, or absent when the cell is empty or not a number. */
const numberOf = (text: string): number | undefined => {
  const n = Number(text);
  return text.trim() === '' || !Number.isFinite(n) ? undefined : n;
};

function where(
  p: ManifestParameter,
  graph: Record<string, { class_type: string; _meta?: { title?: string | undefined } | undefined }>,
): string {
  return p.targets
    .map((t) => {
      const node = graph[t.node];
      const name = node?._meta?.title ?? node?.class_type ?? `node ${t.node}`;
      return `${name} · ${t.input}`;
    })
    .join(', ');
}

/** The parameters a form will show: label, default and range editable, each removable. */
export function ReviewParams() {
  const manifest = useImport((s) => s.manifest)!;
  const graph = useImport((s) => s.workflow)!;
  const { editParam, removeParam } = useImport.getState();
  if (manifest.parameters.length === 0)
    return <p className="muted">No parameters were found: the workflow runs as it is, with its own values.</p>;
  return (
    <table className="review-table" data-testid="review-params">
      <thead>
        <tr>
          <th scope="col">Label</th>
          <th scope="col">Sets</th>
          <th scope="col">Default</th>
          <th scope="col">Min</th>
          <th scope="col">Max</th>
          <th scope="col">
            <span className="sr-only">Remove</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {manifest.parameters.map((p) => {
          const numeric = p.type === 'int' || p.type === 'float';
          return (
            <tr key={p.name} data-param={p.name}>
              <td>
                <Input
                  aria-label={`Label of ${p.name}`}
                  value={p.label}
                  maxLength={80}
                  onChange={(e) => editParam(p.name, { label: e.target.value || p.name })}
                />
                <code className="muted small">{p.name}</code>
              </td>
              <td className="muted small review-where" data-label="Sets">
                {where(p, graph)}
              </td>
              <td data-label="Default">
                {p.type === 'seed' ? (
                  <span className="muted small">random</span>
                ) : p.type === 'bool' ? (
                  <span className="small">{String(p.default ?? false)}</span>
                ) : p.type === 'enum' ? (
                  <Combobox
                    aria-label={`Default of ${p.name}`}
                    value={typeof p.default === 'string' ? p.default : ''}
                    options={(p.choices ?? []).map((c) => ({ value: c, label: c }))}
                    onValueChange={(v) => editParam(p.name, { default: v })}
                    searchPlaceholder="Search…"
                    emptyText="No choice matches."
                  />
                ) : (
                  <Input
                    aria-label={`Default of ${p.name}`}
                    type={numeric ? 'number' : 'text'}
                    value={p.default === undefined ? '' : String(p.default)}
                    onChange={(e) =>
                      editParam(p.name, { default: numeric ? numberOf(e.target.value) : e.target.value })
                    }
                  />
                )}
              </td>
              <td data-label="Min">
                {numeric && (
                  <Input
                    aria-label={`Minimum of ${p.name}`}
                    type="number"
                    value={p.min ?? ''}
                    onChange={(e) => editParam(p.name, { min: numberOf(e.target.value) })}
                  />
                )}
              </td>
              <td data-label="Max">
                {(numeric || p.type === 'seed') && (
                  <Input
                    aria-label={`Maximum of ${p.name}`}
                    type="number"
                    value={p.max ?? ''}
                    onChange={(e) => editParam(p.name, { max: numberOf(e.target.value) })}
                  />
                )}
              </td>
              <td>
                <IconButton
                  size="sm"
                  label={`Remove ${p.label}`}
                  icon={<Trash2 size={14} />}
                  onClick={() => removeParam(p.name)}
                />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
