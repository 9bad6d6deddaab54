import { fileURLToPath } from 'node:url';

/**
 * The path of a sibling module to start as a child process, whether we run compiled
 * (.js in dist/) or from sources under tsx (.ts in src/); children inherit execArgv.
 */
export function siblingModule(metaUrl: string, relative: string): string {
  const ext = metaUrl.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(relative.replace(/\.js$/, ext), metaUrl));
}
