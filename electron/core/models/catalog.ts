/**
 * The model catalogue (`resources/models/catalog.json`, schema shared/model-catalog.ts): every file the bundled
 * workflows name, where to download it and how to check it. Read once at start; a missing or broken file is
 * reported (models.catalog says why) and downloads by link keep working.
 */
import { readFile } from 'node:fs/promises';
import { formatZodIssues, canonicalModelFolder, type ModelFolder } from '@shared/workflow-manifest';
import { ModelCatalogSchema, type CatalogEntry } from '@shared/model-catalog';
import { nullLogger, type Logger } from '@core/log';

export type CatalogState =
  { ok: true; path: string; entries: CatalogEntry[] } | { ok: false; path: string; problem: string };

const key = (folder: ModelFolder, file: string): string => `${canonicalModelFolder(folder)}/${file}`;

/** Read and check the catalogue file; never throws. */
export async function readCatalog(path: string): Promise<CatalogState> {
  const fix = 'Reinstall ComfyDesk to get a good copy; downloads by link still work.';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'is missing' : `cannot be read (${(err as Error).message})`;
    return { ok: false, path, problem: `The model catalogue ${path} ${what}. ${fix}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return {
      ok: false,
      path,
      problem: `The model catalogue ${path} is not valid JSON (${(err as Error).message}). ${fix}`,
    };
  }
  const parsed = ModelCatalogSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = formatZodIssues(parsed.error);
    const more = issues.length > 3 ? ` and ${issues.length - 3} more` : '';
    return {
      ok: false,
      path,
      problem: `The model catalogue ${path} is broken: ${issues.slice(0, 3).join('; ')}${more}. ${fix}`,
    };
  }
  const seen = new Set<string>();
  for (const entry of parsed.data.models) {
    const k = key(entry.folder, entry.file);
    if (seen.has(k)) return { ok: false, path, problem: `The model catalogue ${path} lists ${k} twice. ${fix}` };
    seen.add(k);
  }
  return { ok: true, path, entries: parsed.data.models };
}

/** The catalogue as the core uses it: loaded at start, looked up by (folder, file). */
export class ModelCatalog {
  private current: CatalogState;
  private byKey = new Map<string, CatalogEntry>();

  constructor(
    readonly path: string,
    private readonly logger: Logger = nullLogger,
  ) {
    this.current = { ok: false, path, problem: 'The model catalogue has not been read yet.' };
  }

  async load(): Promise<CatalogState> {
    this.current = await readCatalog(this.path);
    this.byKey = new Map(this.current.ok ? this.current.entries.map((e) => [key(e.folder, e.file), e]) : []);
    if (this.current.ok) this.logger.info('model catalogue loaded', { entries: this.current.entries.length });
    else this.logger.warn(this.current.problem);
    return this.current;
  }

  state(): CatalogState {
    return this.current;
  }

  entries(): CatalogEntry[] {
    return this.current.ok ? [...this.current.entries] : [];
  }

  /** The entry for this file (legacy folder names match their canonical folder). */
  find(folder: ModelFolder, file: string): CatalogEntry | null {
    return this.byKey.get(key(folder, file)) ?? null;
  }
}
