/** An SVM fitting thread: runs each SMO task it is sent over the shared training rows. */
import { parentPort, workerData } from 'node:worker_threads';
import { Kernel, type KernelSpec } from './kernel.js';
import { runSvmTask, type SvmTask } from './tasks.js';

const { X, n, d, spec } = workerData as { X: Float64Array; n: number; d: number; spec: KernelSpec };
const kernel = new Kernel(spec, X, n, d);

parentPort!.on('message', async (t: SvmTask) => {
  const r = await runSvmTask(kernel, t);
  parentPort!.postMessage(r, [r.coef.buffer, ...(r.dec ? [r.dec.buffer] : [])] as ArrayBuffer[]);
});
