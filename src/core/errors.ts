/**
 * One error type for everything a user can get wrong. The API turns it into
 * `{error: {code, message}}` with `status`; the CLI prints `message` and exits non-zero.
 */
export class NeutrinoError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'NeutrinoError';
  }
}

export const badRequest = (code: string, message: string) => new NeutrinoError(code, message, 400);
export const notFound = (what: string, name: string) =>
  new NeutrinoError('not_found', `${what} '${name}' does not exist`, 404);
export const conflict = (code: string, message: string) => new NeutrinoError(code, message, 409);

/** Thrown by long work when its AbortSignal fires; jobs turn it into status `cancelled`. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
