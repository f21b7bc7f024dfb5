/**
 * The model catalogue (resources/models/catalog.json): it parses, names each (folder, file) once, and covers every
 * model file a bundled workflow names, so a fresh ComfyUI can be given everything the bundled workflows need.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelCatalogSchema, type ModelCatalog } from '@shared/model-catalog';
import { canonicalModelFolder, WorkflowManifestSchema, type ModelFolder } from '@shared/workflow-manifest';
import { REPO_ROOT } from '@test/helpers/repo';

const CATALOG_PATH = path.join(REPO_ROOT, 'resources', 'models', 'catalog.json');
const WORKFLOWS_DIR = path.join(REPO_ROOT, 'workflows');

/** The LoRA slot's default in the bundled graphs when no LoRA is chosen: the slot is bypassed, nothing to fetch. */
const LORA_PLACEHOLDER = 'lora.safetensors';

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

const key = (folder: ModelFolder, file: string): string => `${folder}/${file}`;

function loadCatalog(): ModelCatalog {
  return ModelCatalogSchema.parse(readJson(CATALOG_PATH));
}

/** Every (canonical folder, file) a bundled workflow names, with the workflows that name it. */
function filesNamedByWorkflows(): Map<string, string[]> {
  const named = new Map<string, string[]>();
  const add = (folder: ModelFolder, file: string, workflow: string): void => {
    const k = key(canonicalModelFolder(folder), file);
    named.set(k, [...(named.get(k) ?? []), workflow]);
  };
  const dirs = fs
    .readdirSync(WORKFLOWS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const dir of dirs) {
    const manifest = WorkflowManifestSchema.parse(readJson(path.join(WORKFLOWS_DIR, dir, 'manifest.json')));
    for (const model of manifest.models) add(model.folder, model.default, manifest.id);
    if (manifest.lora) {
      const graph = readJson(path.join(WORKFLOWS_DIR, dir, 'workflow.json')) as Record<
        string,
        { inputs?: Record<string, unknown> }
      >;
      const value = graph[manifest.lora.node]?.inputs?.[manifest.lora.nameInput];
      expect(typeof value, `${dir}: LoRA slot ${manifest.lora.node}.${manifest.lora.nameInput}`).toBe('string');
      if (value !== LORA_PLACEHOLDER) add(manifest.lora.folder, value as string, manifest.id);
    }
  }
  return named;
}

describe('model catalogue', () => {
  it('parses with ModelCatalogSchema', () => {
    const catalog = loadCatalog();
    expect(catalog.models.length).toBeGreaterThan(0);
  });

  it('names each (folder, file) pair once', () => {
    const keys = loadCatalog().models.map((model) => key(model.folder, model.file));
    const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(duplicates).toEqual([]);
  });

  it('uses the canonical folder names', () => {
    for (const model of loadCatalog().models) {
      expect(model.folder, model.file).toBe(canonicalModelFolder(model.folder));
    }
  });

  it('covers every model file the bundled workflows name', () => {
    const named = filesNamedByWorkflows();
    expect(named.size).toBeGreaterThan(0);
    const catalogued = new Set(loadCatalog().models.map((model) => key(model.folder, model.file)));
    const missing = [...named.entries()]
      .filter(([k]) => !catalogued.has(k))
      .map(([k, workflows]) => `${k} (${workflows.join(', ')})`);
    expect(missing).toEqual([]);
  });
});
