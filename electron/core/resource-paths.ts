/** Where the bundled resources are: beside the source tree, the build output (out/main[/chunks]) or the packaged app. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** `resources/models/catalog.json` beside the source tree, the build output (out/main[/chunks]) or the packaged app. */
export function findCatalogFile(): string {
  const candidates = [
    join(__dirname, '../../resources/models/catalog.json'),
    join(__dirname, '../../../resources/models/catalog.json'),
  ];
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
}

/** `workflows/` beside the source tree, the build output (out/main[/chunks]) or the packaged app. */
export function findWorkflowsDir(): string {
  const candidates = [
    process.env.COMFYDESK_WORKFLOWS_DIR,
    join(__dirname, '../../workflows'),
    join(__dirname, '../../../workflows'),
  ];
  return candidates.find((dir): dir is string => !!dir && existsSync(dir)) ?? join(__dirname, '../../workflows');
}
