/**
 * Does a manifest fit its graph? Every node and input it names must exist, value targets must not be links,
 * and the declared node classes must be exactly the graph's. Pure; used by the registry and the import flow.
 */
import { graphNodeClasses, type WorkflowManifest } from '@shared/workflow-manifest';
import { isLink, type ApiGraph } from './graph';

export function checkManifestAgainstGraph(manifest: WorkflowManifest, graph: ApiGraph): string[] {
  const problems: string[] = [];
  const valueTarget = (what: string, node: string, input: string): void => {
    const n = graph[node];
    if (!n) problems.push(`${what}: node ${node} is not in the workflow`);
    else if (!(input in n.inputs)) problems.push(`${what}: node ${node} (${n.class_type}) has no input '${input}'`);
    else if (isLink(n.inputs[input]))
      problems.push(`${what}: ${node}.${input} (${n.class_type}) is a link, not a value`);
  };

  const derived = graphNodeClasses(graph);
  const declared = [...new Set(manifest.nodeClasses)].sort();
  const missing = derived.filter((c) => !declared.includes(c));
  const extra = declared.filter((c) => !derived.includes(c));
  if (missing.length > 0) problems.push(`nodeClasses is missing ${missing.join(', ')} (used by the workflow)`);
  if (extra.length > 0) problems.push(`nodeClasses lists ${extra.join(', ')}, which the workflow does not use`);

  for (const p of manifest.parameters) {
    for (const t of p.targets) valueTarget(`parameter '${p.name}'`, t.node, t.input);
    if (p.type === 'enum') {
      for (const t of p.targets) {
        if (t.transform?.op !== 'map') continue;
        const map = t.transform.values;
        const unmapped = (p.choices ?? []).filter((c) => !Object.prototype.hasOwnProperty.call(map, c));
        if (unmapped.length > 0)
          problems.push(
            `parameter '${p.name}': the map into ${t.node}.${t.input} has no entry for ${unmapped.join(', ')}`,
          );
      }
    }
  }
  for (const img of manifest.images) {
    valueTarget(`image '${img.name}'`, img.node, img.input);
    for (const ref of img.detach) {
      const n = graph[ref.node];
      if (!n || !isLink(n.inputs[ref.input]))
        problems.push(`image '${img.name}': detach ${ref.node}.${ref.input} is not a link in the workflow`);
    }
  }
  for (const out of manifest.outputs) {
    if (!graph[out.node]) problems.push(`output node ${out.node} is not in the workflow`);
  }
  for (const m of manifest.models) {
    for (const t of m.targets) valueTarget(`model '${m.setting}'`, t.node, t.input);
  }
  if (manifest.lora) {
    const slot = manifest.lora;
    const n = graph[slot.node];
    if (!n) {
      problems.push(`lora: node ${slot.node} is not in the workflow`);
    } else {
      valueTarget('lora', slot.node, slot.nameInput);
      for (const input of slot.strengthInputs) valueTarget('lora', slot.node, input);
      for (const p of slot.passthrough) {
        if (!isLink(n.inputs[p.input]))
          problems.push(`lora: passthrough input '${p.input}' of node ${slot.node} is not a link`);
      }
    }
  }
  return problems;
}
