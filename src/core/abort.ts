import { CancelledError } from './errors.js';

/**
 * Long numeric loops call `tick()` often; every ~50 ms it yields to the event loop, so
 * that IPC messages (a cancel) arrive and the signal can fire, then throws if it did.
 * Cancellation therefore stops within a fraction of a second without slowing the loop.
 */
export class Ticker {
  private last = Date.now();
  constructor(private readonly signal?: AbortSignal) {}

  async tick(): Promise<void> {
    const now = Date.now();
    if (now - this.last < 50) return;
    this.last = now;
    await new Promise((r) => setImmediate(r));
    this.throwIfAborted();
  }

  throwIfAborted(): void {
    if (this.signal?.aborted) throw new CancelledError('cancelled by request');
  }
}
