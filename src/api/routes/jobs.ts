import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../context.js';
import { jobDto } from '../dto.js';
import { errors, jobSchema, name, ref } from '../schemas.js';

interface TrainBody {
  dataset: string;
  test_dataset?: string;
  target: string;
  algorithm: string;
  params?: Record<string, string | number | boolean | null | number[]>;
  model: string;
  seed?: number;
  test_fraction?: number;
  validation_fraction?: number;
  preprocessing?: Record<string, unknown>;
}

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
          tags: ['jobs'],
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['dataset', 'target', 'algorithm', 'model'],
            properties: {
              dataset: ref,
              test_dataset: ref,
              target: { type: 'string', minLength: 1 },
              algorithm: { type: 'string', minLength: 1 },
              params: {
                type: 'object',
                additionalProperties: { type: ['string', 'number', 'boolean', 'null', 'array'] },
              },
              model: name,
              seed: { type: 'integer' },
              test_fraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.9 },
              validation_fraction: { type: 'number', minimum: 0, exclusiveMaximum: 0.9 },
              preprocessing: {
                type: 'object',
                description:
                  'Preprocessing steps per column type or per column, e.g. {"numeric": ["median_impute", "robust_scale"], "columns": {"notes": ["tfidf"], "ts": "datetime", "id": "drop"}}; left out, each column gets defaults for its profiled type',
              },
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
