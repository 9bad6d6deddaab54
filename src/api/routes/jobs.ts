import type { FastifyPluginAsync } from 'fastify';
import { CV_STRATEGIES, type CvStrategy } from '../../ml/cv.js';
import type { ApiContext } from '../context.js';
import { jobDto } from '../dto.js';
import { errors, jobSchema, name, ref } from '../schemas.js';

/** What a training and a cross-validation request share: the data, the target and the recipe. */
interface RecipeBody {
  dataset: string;
  target: string;
  algorithm: string;
  params?: Record<string, string | number | boolean | null | number[]>;
  seed?: number;
  preprocessing?: Record<string, unknown>;
}

interface TrainBody extends Omit<RecipeBody, 'target'> {
  /** Required for supervised algorithms; for unsupervised ones, an evaluation label if given. */
  target?: string;
  test_dataset?: string;
  model: string;
  test_fraction?: number;
  validation_fraction?: number;
}

interface CvBody extends RecipeBody {
  folds?: number;
  strategy?: CvStrategy;
  order_by?: string;
  gap?: number;
}

const recipeProperties = {
  dataset: { ...ref, description: 'the data, NAME[@VERSION] (default the newest version)' },
  target: { type: 'string', minLength: 1, description: 'the column to predict' },
  algorithm: { type: 'string', minLength: 1, description: 'an algorithm (`neutrino algorithms` lists them)' },
  params: {
    type: 'object',
    description: "the algorithm's hyperparameters",
    additionalProperties: { type: ['string', 'number', 'boolean', 'null', 'array'] },
  },
  seed: { type: 'integer' },
  preprocessing: {
    type: 'object',
    description:
      'Preprocessing steps per column type or per column, e.g. {"numeric": ["median_impute", "robust_scale"], "columns": {"notes": ["tfidf"], "ts": "datetime", "id": "drop"}}; left out, each column gets defaults for its profiled type',
  },
} as const;

const jobParams = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 64 } },
  required: ['id'],
} as const;

export const jobRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Body: TrainBody }>(
      '/v1/jobs/train',
      {
        schema: {
          summary: 'Submit a training job',
          description:
            'Supervised algorithms need `target`, the column to predict: without it the request is a 400 `missing_target`. Unsupervised ones (kmeans: clustering; isolation_forest: anomaly detection) learn from the features alone and take no target; given one, it is an evaluation label: left out of the features and the preprocessing, it only scores the result (kmeans: adjusted_rand and purity; isolation_forest: a two-valued label whose rarer value marks the anomalies, for roc_auc and pr_auc of the anomaly score).',
          tags: ['jobs'],
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['dataset', 'algorithm', 'model'],
            properties: {
              ...recipeProperties,
              target: {
                type: 'string',
                minLength: 1,
                description:
                  'the column to predict (supervised algorithms); for an unsupervised one, a label to evaluate against',
              },
              test_dataset: ref,
              model: name,
              test_fraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.9 },
              validation_fraction: { type: 'number', minimum: 0, exclusiveMaximum: 0.9 },
            },
          },
          response: { 201: jobSchema, ...errors },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const job = await ctx.jobs.submitTraining(req.workspaceId, {
          dataset: b.dataset,
          testDataset: b.test_dataset,
          target: b.target,
          algorithm: b.algorithm,
          params: b.params,
          model: b.model,
          seed: b.seed,
          testFraction: b.test_fraction,
          validationFraction: b.validation_fraction,
          preprocessing: b.preprocessing,
        });
        reply.code(201);
        return jobDto(job);
      },
    );

    app.post<{ Body: CvBody }>(
      '/v1/jobs/cv',
      {
        schema: {
          summary: 'Submit a cross-validation job',
          description:
            "Scores the training recipe (preprocessing fitted inside each fold, then the algorithm) on k folds. The job's result holds each fold's rows, metrics and fit time, and each metric's mean and standard deviation over the folds; its progress counts the folds done.",
          tags: ['jobs'],
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['dataset', 'target', 'algorithm'],
            properties: {
              ...recipeProperties,
              folds: { type: 'integer', minimum: 2, maximum: 1000, default: 5 },
              strategy: {
                type: 'string',
                enum: [...CV_STRATEGIES],
                description: 'default stratified for classification, kfold for regression',
              },
              order_by: {
                type: 'string',
                minLength: 1,
                description:
                  'time_series (required there): the numeric or date-time column that orders the rows',
              },
              gap: {
                type: 'integer',
                minimum: 0,
                description: "time_series: rows left out between each fold's training and test rows",
              },
            },
          },
          response: { 201: jobSchema, ...errors },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const job = await ctx.jobs.submitCrossValidation(req.workspaceId, {
          dataset: b.dataset,
          target: b.target,
          algorithm: b.algorithm,
          params: b.params,
          seed: b.seed,
          preprocessing: b.preprocessing,
          folds: b.folds,
          strategy: b.strategy,
          orderBy: b.order_by,
          gap: b.gap,
        });
        reply.code(201);
        return jobDto(job);
      },
    );

    app.get<{ Querystring: { limit?: number } }>(
      '/v1/jobs',
      {
        schema: {
          summary: 'List jobs, newest first',
          tags: ['jobs'],
          querystring: {
            type: 'object',
            properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          },
          response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: jobSchema } } } },
        },
      },
      async (req) => ({ jobs: (await ctx.jobs.list(req.workspaceId, req.query.limit)).map(jobDto) }),
    );

    app.get<{ Params: { id: string } }>(
      '/v1/jobs/:id',
      {
        schema: {
          summary: 'Show a job with its live progress',
          tags: ['jobs'],
          params: jobParams,
          response: { 200: jobSchema, ...errors },
        },
      },
      async (req) => jobDto(await ctx.jobs.get(req.workspaceId, req.params.id)),
    );

    app.get<{ Params: { id: string }; Querystring: { after?: number } }>(
      '/v1/jobs/:id/logs',
      {
        schema: {
          summary: "A job's log lines (after a sequence number, for following)",
          tags: ['jobs'],
          params: jobParams,
          querystring: { type: 'object', properties: { after: { type: 'integer', minimum: 0, default: 0 } } },
          response: {
            200: {
              type: 'object',
              properties: {
                logs: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      seq: { type: 'integer' },
                      at: { type: 'string' },
                      line: { type: 'string' },
                    },
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      async (req) => ({ logs: await ctx.jobs.logs(req.workspaceId, req.params.id, req.query.after) }),
    );

    app.post<{ Params: { id: string } }>(
      '/v1/jobs/:id/cancel',
      {
        schema: {
          summary: 'Cancel a queued or running job',
          tags: ['jobs'],
          params: jobParams,
          response: { 200: jobSchema, ...errors },
        },
      },
      async (req) => jobDto(await ctx.jobs.cancel(req.workspaceId, req.params.id)),
    );
  };
