/** A pool worker (see pool.ts): runs the named kernel on each message and flags it done in shared memory. */
import { parentPort } from 'node:worker_threads';

const modules = new Map<string, Promise<Record<string, unknown>>>();

parentPort!.on(
  'message',
  async (m: { url: string; name: string; args: unknown; status: Int32Array; slot: number }) => {
    let code = 2;
    try {
      let mod = modules.get(m.url);
      if (!mod) modules.set(m.url, (mod = import(m.url) as Promise<Record<string, unknown>>));
      const fn = (await mod)[m.name] as (a: unknown) => void;
      fn(m.args);
      code = 1;
    } catch {
      code = 2;
    }
    Atomics.store(m.status, m.slot, code);
    Atomics.notify(m.status, m.slot);
  },
);
