/** Where the repository is, for tests that start its entry points or read its files. */
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** A path inside the repository. */
export const repoPath = (...parts: string[]): string => path.join(REPO_ROOT, ...parts);
