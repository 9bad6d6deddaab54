import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/fs.js';

/** Where `neutrino login` keeps the URL and token (mode 0600). */
export const configPath = () =>
  process.env.NEUTRINO_CONFIG ?? join(homedir(), '.config', 'neutrino', 'config.json');

export interface CliConfig {
  url?: string;
  token?: string;
}

export async function readConfig(): Promise<CliConfig> {
  try {
    return JSON.parse(await readFile(configPath(), 'utf8')) as CliConfig;
  } catch {
    return {};
  }
}

export async function writeConfig(c: CliConfig): Promise<string> {
  const p = configPath();
  await writeFileAtomic(p, JSON.stringify(c, null, 2) + '\n', 0o600);
  return p;
}

/** Flags first, then the environment, then the config file, then the local default. */
export async function connection(flags: {
  url?: string;
  token?: string;
}): Promise<{ url: string; token: string | null }> {
  const file = await readConfig();
  return {
    // An empty variable counts as unset, as shells often leave them.
    url: flags.url || process.env.NEUTRINO_URL || file.url || 'http://127.0.0.1:8080',
    token: flags.token || process.env.NEUTRINO_TOKEN || file.token || null,
  };
}
