import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the system's temporary directory, and how to remove it with everything in it. */
export interface TempDir {
  path: string;
  remove: () => Promise<void>;
}

export async function tempDir(name: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `astra-${name}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
