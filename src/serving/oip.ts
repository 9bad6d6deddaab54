/**
 * The Open Inference Protocol (KServe v2) REST codec for tabular models. Inputs come either
 * one per feature, each of shape [N] (MLServer's pandas codec), or as one [N, F] tensor of
 * the numeric features in the order the model metadata lists them.
 */
import { badRequest } from '../core/errors.js';
import type { FeatureSpec, PredictResult } from '../ml/model.js';

export interface OipTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
  parameters?: Record<string, unknown>;
}

export interface OipRequest {
  id?: string;
  inputs: OipTensor[];
  outputs?: { name: string }[];
  parameters?: Record<string, unknown>;
}

const datatypeOf = (kind: FeatureSpec['kind']) => (kind === 'numeric' ? 'FP64' : 'BYTES');

export function oipMetadata(
  name: string,
  version: number,
  features: FeatureSpec[],
  task: string,
  classes: string[] | null,
) {
  const outputs = [
    { name: 'predictions', datatype: task === 'classification' ? 'BYTES' : 'FP64', shape: [-1] },
  ];
  if (task === 'classification')
    outputs.push({ name: 'probabilities', datatype: 'FP64', shape: [-1, classes?.length ?? -1] });
  // Clustering: the distance to the cluster's centre; anomaly detection: the anomaly score.
  if (task === 'clustering' || task === 'anomaly_detection')
    outputs.push({ name: 'scores', datatype: 'FP64', shape: [-1] });
  return {
    name,
    versions: [String(version)],
    platform: 'neutrino',
    inputs: features.map((f) => ({ name: f.name, datatype: datatypeOf(f.kind), shape: [-1] })),
    outputs,
    parameters: { content_type: 'pd', classes, task },
  };
}

/** Turns an inference request into rows of {feature: value}, checked by the model afterwards. */
export function oipToRows(req: unknown, features: FeatureSpec[]): Record<string, unknown>[] {
  const r = req as OipRequest;
  if (!r || typeof r !== 'object' || !Array.isArray(r.inputs) || r.inputs.length === 0)
    throw badRequest('invalid_request', 'an inference request needs a non-empty "inputs" array');
  for (const t of r.inputs) {
    if (!t || typeof t.name !== 'string' || !Array.isArray(t.shape) || !Array.isArray(t.data))
      throw badRequest('invalid_request', 'each input needs "name", "shape", "datatype" and "data"');
    const size = t.shape.reduce((a, b) => a * b, 1);
    const flat = t.data.flat(Infinity as 1);
    if (flat.length !== size)
      throw badRequest(
        'invalid_request',
        `input '${t.name}' has ${flat.length} values but shape [${t.shape.join(', ')}] needs ${size}`,
      );
    t.data = flat;
  }
  const byName = new Map(r.inputs.map((t) => [t.name, t]));
  const numeric = features.filter((f) => f.kind === 'numeric');
  // One [N, F] tensor holding every numeric feature, when none is named as a feature.
  if (
    r.inputs.length === 1 &&
    r.inputs[0].shape.length === 2 &&
    !features.some((f) => f.name === r.inputs[0].name)
  ) {
    const t = r.inputs[0];
    const [n, f] = t.shape;
    if (numeric.length !== features.length)
      throw badRequest(
        'invalid_request',
        'this model has categorical features: send one input per feature, each of shape [N]',
      );
    if (f !== numeric.length)
      throw badRequest(
        'invalid_request',
        `a [N, F] input needs F = ${numeric.length} (features: ${numeric.map((x) => x.name).join(', ')})`,
      );
    return Array.from({ length: n }, (_, i) =>
      Object.fromEntries(numeric.map((feat, j) => [feat.name, t.data[i * f + j]])),
    );
  }
  const missing = features.filter((f) => !byName.has(f.name)).map((f) => f.name);
  if (missing.length)
    throw badRequest('invalid_request', `missing inputs for features: ${missing.join(', ')}`);
  const n = byName.get(features[0].name)!.data.length;
  for (const f of features) {
    const t = byName.get(f.name)!;
    if (t.data.length !== n)
      throw badRequest('invalid_request', `input '${f.name}' has ${t.data.length} values, others have ${n}`);
  }
  return Array.from({ length: n }, (_, i) =>
    Object.fromEntries(features.map((f) => [f.name, byName.get(f.name)!.data[i]])),
  );
}

export function oipResponse(
  modelName: string,
  version: number,
  id: string | undefined,
  result: PredictResult,
) {
  const n = result.predictions.length;
  const outputs: OipTensor[] = [
    {
      name: 'predictions',
      shape: [n],
      datatype: typeof result.predictions[0] === 'string' ? 'BYTES' : 'FP64',
      data: result.predictions,
    },
  ];
  if (result.probabilities) {
    const k = result.classes?.length ?? 0;
    outputs.push({
      name: 'probabilities',
      shape: [n, k],
      datatype: 'FP64',
      data: result.probabilities.flat(),
      parameters: { classes: result.classes },
    });
  }
  if (result.scores) outputs.push({ name: 'scores', shape: [n], datatype: 'FP64', data: result.scores });
  return { model_name: modelName, model_version: String(version), ...(id ? { id } : {}), outputs };
}
