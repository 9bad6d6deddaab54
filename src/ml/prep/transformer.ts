/**
 * The column transformer: types each column from its training values (profile.ts), gives
 * each type the steps the user chose or sensible defaults for the learner (spec.ts), and fits
 * the lot on the training rows into one serializable Pipeline.
 */
import { badRequest } from '../../core/errors.js';
import type { ColumnKind, Frame, Target } from '../frame.js';
import type { InputNeeds } from '../learners/contract.js';
import { conform, Pipeline, type InputColumn } from './pipeline.js';
import { COLUMN_TYPES, profileColumn, type ColumnType } from './profile.js';
import { droppedColumns, parsePreprocessing, STEPS, type ResolvedSpec, type ResolvedStep } from './spec.js';
import { fitTransformStep, type Step } from './step.js';

const s = (step: string): ResolvedStep => ({ step, options: {} });

/**
 * The default steps for a type of column, given what the learner needs:
 * - numeric: median imputation, standard scaling;
 * - categorical: most-frequent imputation, one-hot;
 * - high_cardinality (over 50 categories): target encoding (missing is a category), scaled,
 *   where one-hot would have made too many columns; as categorical for learners that take
 *   raw categories;
 * - text: TF-IDF, whatever the learner (raw text is no use to any of them);
 * - datetime: date parts and cyclic encodings, then as numeric.
 * Imputation only where the learner needs it, scaling likewise (trees do not).
 */
export function defaultSteps(type: ColumnType, needs: InputNeeds, hasTarget = true): ResolvedStep[] {
  const impute = (name: string) => (needs.impute ? [s(name)] : []);
  const scale = needs.scale ? [s('standard_scale')] : [];
  switch (type) {
    case 'numeric':
      return [...impute('median_impute'), ...scale];
    case 'categorical':
      return [...impute('most_frequent_impute'), ...(needs.oneHot ? [s('one_hot')] : [])];
    case 'high_cardinality':
      return needs.oneHot && hasTarget ? [s('target_encode'), ...scale] : defaultSteps('categorical', needs);
    case 'text':
      return [s('tfidf')];
    case 'datetime':
      return [s('datetime'), ...impute('median_impute'), ...scale];
  }
}

/** What the transformer decided for one input column. */
export interface ColumnPlan {
  name: string;
  kind: ColumnKind;
  /** The type it was treated as ('custom' when the spec gave it its own steps). */
  type: ColumnType | 'custom';
  steps: string[];
}

export interface PreprocessingPlan {
  columns: ColumnPlan[];
  dropped: string[];
  select: string[];
}

export interface PreprocessOptions {
  /** What the learner needs by default (its LearnerSpec.input). */
  needs: InputNeeds;
  /** A preprocessing spec as the user wrote it (see spec.ts), or one already parsed. */
  preprocessing?: unknown;
  /** Seeds what is random in fitting (the target encoder's folds). */
  seed?: number;
}

export interface FittedPreprocessing {
  pipeline: Pipeline;
  /**
   * The training rows transformed as they were fitted. Use these to fit the learner, not
   * pipeline.transform of the same rows: target encoding gives training rows out-of-fold values.
   */
  Xt: Frame;
  plan: PreprocessingPlan;
}

const invalid = (why: string) => badRequest('invalid_preprocessing', `preprocessing: ${why}`);

function isResolved(x: unknown): x is ResolvedSpec {
  return !!x && typeof x === 'object' && 'types' in x && Array.isArray((x as ResolvedSpec).select);
}

interface Group {
  columns: string[];
  chain: ResolvedStep[];
}

/**
 * Fits the preprocessing on training rows. Each column's steps run in order; the steps of all
 * columns are interleaved stage by stage (every imputer, then every scaler...), so the result
 * is one flat Pipeline that replays exactly at serving time.
 */
export function fitPreprocessing(X: Frame, y: Target | undefined, o: PreprocessOptions): FittedPreprocessing {
  const spec = isResolved(o.preprocessing) ? o.preprocessing : parsePreprocessing(o.preprocessing);
  const seed = o.seed ?? 0;
  const names = new Set(X.columns.map((c) => c.name));
  // A column already left out of X (trainModel drops them before) needs no 'drop'.
  const unknown = Object.keys(spec.columns).filter((n) => !names.has(n) && spec.columns[n] !== 'drop');
  if (unknown.length)
    throw badRequest(
      'unknown_column',
      `preprocessing names column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, which the data lacks (columns: ${[...names].join(', ')})`,
    );
  const dropped = droppedColumns(spec);
  const input: InputColumn[] = X.columns
    .filter((c) => !dropped.includes(c.name))
    .map((c) => ({ name: c.name, kind: c.kind }));
  if (input.length === 0) throw badRequest('no_features', 'preprocessing drops every feature column');
  let cur = conform(X, input);

  const plans: ColumnPlan[] = [];
  const byType = new Map<ColumnType, string[]>();
  const groups: Group[] = [];
  for (const c of cur.columns) {
    const choice = spec.columns[c.name];
    if (Array.isArray(choice)) {
      groups.push({ columns: [c.name], chain: choice });
      plans.push({ name: c.name, kind: c.kind, type: 'custom', steps: choice.map((r) => r.step) });
      continue;
    }
    const type = (choice as ColumnType | undefined) ?? profileColumn(c).type;
    if (c.kind === 'numeric' && (type === 'text' || type === 'datetime'))
      throw invalid(`columns.${c.name}: the column is numeric, so it cannot be treated as ${type}`);
    if (c.kind === 'categorical' && type === 'numeric')
      throw invalid(`columns.${c.name}: the column holds strings, so it cannot be treated as numeric`);
    byType.set(type, [...(byType.get(type) ?? []), c.name]);
    plans.push({ name: c.name, kind: c.kind, type, steps: [] });
  }
  for (const type of COLUMN_TYPES) {
    const cols = byType.get(type);
    if (!cols) continue;
    // A user's categorical steps also cover high-cardinality columns unless given their own.
    const chain =
      spec.types[type] ??
      (type === 'high_cardinality' ? spec.types.categorical : undefined) ??
      defaultSteps(type, o.needs, y !== undefined);
    groups.push({ columns: cols.slice(), chain });
    for (const p of plans) if (cols.includes(p.name)) p.steps = chain.map((r) => r.step);
  }

  const steps: Step[] = [];
  const run = (step: Step) => {
    cur = fitTransformStep(step, cur, y);
    steps.push(step);
    const seen = new Set<string>();
    for (const c of cur.columns) {
      if (seen.has(c.name))
        throw invalid(
          `two columns would be named '${c.name}' after ${step.type}; rename the input column or choose other steps`,
        );
      seen.add(c.name);
    }
  };
  const stages = Math.max(0, ...groups.map((g) => g.chain.length));
  for (let stage = 0; stage < stages; stage++) {
    for (const g of groups) {
      if (stage >= g.chain.length || g.columns.length === 0) continue;
      const r = g.chain[stage];
      const cat = STEPS[r.step];
      for (const name of g.columns) {
        const kind = cur.columns.find((c) => c.name === name)!.kind;
        if (cat.accepts === 'numeric' && kind !== 'numeric')
          throw invalid(
            `${r.step} needs numbers, but '${name}' is categorical at that point; encode it first (one_hot, ordinal, target_encode)`,
          );
        if (cat.accepts === 'text' && kind !== 'categorical')
          throw invalid(`${r.step} needs text, but '${name}' is numeric at that point`);
      }
      if (cat.target && !y) throw invalid(`${r.step} needs the target, which is not given here`);
      for (const step of cat.make(g.columns, r.options, { seed })) {
        const before = new Set(cur.columns.map((c) => c.name));
        const mine = new Set(g.columns);
        run(step);
        // The group's columns now: its own that remain, and whatever the step added.
        g.columns = cur.columns.map((c) => c.name).filter((n) => mine.has(n) || !before.has(n));
      }
    }
  }
  for (const r of spec.select) {
    if (STEPS[r.step].target && !y) throw invalid(`${r.step} needs the target, which is not given here`);
    for (const step of STEPS[r.step].make(
      cur.columns.map((c) => c.name),
      r.options,
      { seed },
    ))
      run(step);
  }
  if (cur.columns.length === 0) throw badRequest('no_features', 'preprocessing left no feature columns');
  const pipeline = new Pipeline(
    input,
    steps,
    cur.columns.map((c) => c.name),
  );
  return { pipeline, Xt: cur, plan: { columns: plans, dropped, select: spec.select.map((r) => r.step) } };
}

/** One line per decision, for job logs: `text → tfidf; date_time (datetime) → datetime, median_impute`. */
export function describePlan(plan: PreprocessingPlan): string {
  const byChain = new Map<string, string[]>();
  for (const c of plan.columns) {
    const key = `${c.type === 'custom' ? 'custom' : c.type}: ${c.steps.length ? c.steps.join(' → ') : 'as is'}`;
    byChain.set(key, [...(byChain.get(key) ?? []), c.name]);
  }
  const parts = [...byChain].map(([k, cols]) => `${cols.join(', ')} (${k})`);
  if (plan.dropped.length) parts.push(`dropped ${plan.dropped.join(', ')}`);
  if (plan.select.length) parts.push(`then ${plan.select.join(' → ')}`);
  return parts.join('; ');
}
