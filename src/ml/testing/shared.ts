import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this file with a package.json. Walking up
 * works from src/ (tsx) and from dist/ (compiled) alike.
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

/**
 * A path in the shared datasets and peers folder: NEUTRINO_SHARED when set (a checkout kept
 * elsewhere, as .ci/run sets it), else ../shared beside the repository.
 */
export function sharedDir(...parts: string[]): string {
  return resolve(process.env.NEUTRINO_SHARED ?? resolve(repoRoot(), '..', 'shared'), ...parts);
}
