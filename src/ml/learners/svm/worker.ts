/** An SVM fitting thread: runs each SMO task it is sent over the shared training rows. */
import { serveTasks } from '../kit/workers.js';
import { Kernel, type KernelSpec } from './kernel.js';
import { runSvmTask, type SvmTask } from './tasks.js';

serveTasks((data: { X: Float64Array; n: number; d: number; spec: KernelSpec; shareRows: number }) => {
  const kernel = new Kernel(data.spec, data.X, data.n, data.d);
  if (data.shareRows) kernel.shareRows(data.shareRows);
  return async (t: SvmTask) => {
    const r = await runSvmTask(kernel, t);
    return { result: r, transfer: [r.coef.buffer, ...(r.dec ? [r.dec.buffer] : [])] as ArrayBuffer[] };
  };
});
