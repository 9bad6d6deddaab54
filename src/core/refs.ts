import { badRequest } from './errors.js';

/** `NAME` or `NAME@VERSION`, as datasets and models are referred to everywhere. */
export function parseRef(ref: string, what: string): { name: string; version?: number } {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]{0,62})(?:@(\d+|latest))?$/.exec(ref);
  if (!m)
    throw badRequest(
      'invalid_reference',
      `'${ref}' is not a valid ${what} reference: use NAME or NAME@VERSION`,
    );
  return { name: m[1], version: m[2] && m[2] !== 'latest' ? Number(m[2]) : undefined };
}
