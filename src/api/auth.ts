import { createHash, randomBytes } from 'node:crypto';

/** API tokens: shown once, stored as their sha-256 only. */
export function newToken(): string {
  return `nt_${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
