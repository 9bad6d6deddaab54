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

/** A path in the shared datasets and peers folder, which sits beside the repository. */
export function sharedDir(...parts: string[]): string {
  return resolve(repoRoot(), '..', 'shared', ...parts);
}
