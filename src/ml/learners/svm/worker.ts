/** An SVM fitting thread: runs each SMO task it is sent over the shared training rows. */
import { serveTasks } from '../kit/workers.js';
import { Kernel, type KernelSpec, type RowStore } from './kernel.js';
import { runSvmTask, type SvmTask } from './tasks.js';

serveTasks((data: { X: Float64Array; n: number; d: number; spec: KernelSpec; rows: RowStore | null }) => {
  const kernel = new Kernel(data.spec, data.X, data.n, data.d);
  if (data.rows) kernel.shareRows(data.rows);
  return async (t: SvmTask) => {
    const r = await runSvmTask(kernel, t);
    return { result: r, transfer: [r.coef.buffer, ...(r.dec ? [r.dec.buffer] : [])] as ArrayBuffer[] };
  };
});
