import { randomBytes } from 'node:crypto';

/** Resource ids: a readable prefix and 16 random hex characters, e.g. `job_3f9a...`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

export const now = () => new Date().toISOString();

/** Names of datasets, models and deployments: what fits in a URL path segment and a shell argument. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$';
