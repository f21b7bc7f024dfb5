// Path aliases, one list for every tool that resolves imports: TypeScript reads the same ones from
// tsconfig.base.json ("paths"), tsx from tsconfig.json; electron-vite and Vitest import this file.
import { fileURLToPath } from 'node:url';

const at = (dir) => fileURLToPath(new URL(dir, import.meta.url));

export const aliases = {
  '@shared': at('./shared'),
  '@core': at('./electron/core'),
  '@test': at('./test'),
};
