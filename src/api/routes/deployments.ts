import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../../core/errors.js';
import { oipMetadata } from '../../serving/oip.js';
import type { ApiContext } from '../context.js';
import { deploymentDto } from '../dto.js';
import { deploymentSchema, errors, name, ref } from '../schemas.js';

const depParams = { type: 'object', properties: { name }, required: ['name'] } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

export const deploymentRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    const dto = async (workspaceId: string, depName: string) => {
      const d = await ctx.deployments.get(workspaceId, depName);
      return deploymentDto(d, ctx.deployments.readyReplicas(d));
    };

    app.post<{ Body: { name: string; model: string; replicas?: number } }>(
      '/v1/deployments',
      {
        schema: {
          summary: 'Deploy a model version; returns once its replicas are ready',
          tags: ['deployments'],
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'model'],
            properties: {
              name,
              model: ref,
              replicas: { type: 'integer', minimum: 1, maximum: 16, default: 1 },
            },
          },
          response: { 201: deploymentSchema, ...errors },
        },
      },
      async (req, reply) => {
        const d = await ctx.deployments.create(
          req.workspaceId,
          req.body.name,
          req.body.model,
          req.body.replicas ?? 1,
        );
        reply.code(201);
        return deploymentDto(d, ctx.deployments.readyReplicas(d));
      },
    );

    app.get(
      '/v1/deployments',
      {
        schema: {
          summary: 'List deployments',
          tags: ['deployments'],
          response: {
            200: { type: 'object', properties: { deployments: { type: 'array', items: deploymentSchema } } },
          },
        },
      },
      async (req) => ({
        deployments: (await ctx.deployments.list(req.workspaceId)).map((d) =>
          deploymentDto(d, ctx.deployments.readyReplicas(d)),
        ),
      }),
    );

    app.get<{ Params: { name: string } }>(
      '/v1/deployments/:name',
      {
        schema: {
          summary: 'Show a deployment',
          tags: ['deployments'],
          params: depParams,
          response: { 200: deploymentSchema, ...errors },
        },
      },
      async (req) => dto(req.workspaceId, req.params.name),
    );

    app.delete<{ Params: { name: string } }>(
      '/v1/deployments/:name',
      {
        schema: {
          summary: 'Stop and remove a deployment',
          tags: ['deployments'],
          params: depParams,
          response: { 200: deploymentSchema, ...errors },
        },
      },
      async (req) => {
        const d = await ctx.deployments.remove(req.workspaceId, req.params.name);
        return { ...deploymentDto(d, 0), status: 'stopped' };
      },
    );

    app.post<{ Params: { name: string }; Body: { rows: unknown[] } }>(
      '/v1/deployments/:name/predict',
      {
        schema: {
          summary:
            'Predict: {"rows": [{feature: value, ...}]} → {"predictions": [...]} (and probabilities for classifiers; scores for clustering and anomaly detection)',
          description:
            'Regression predicts values, classification classes (with probabilities in `classes` order). Clustering predicts the cluster index, with `scores` the distance to its centre; anomaly detection predicts -1 for an anomaly and 1 for a normal row, with `scores` the anomaly score in (0, 1], higher for more abnormal rows.',
          tags: ['inference'],
          params: depParams,
          body: {
            type: 'object',
            required: ['rows'],
            properties: { rows: { type: 'array', minItems: 1, items: anyObject } },
          },
          response: {
            200: {
              type: 'object',
              properties: {
                predictions: { type: 'array', items: { type: ['number', 'string'] } },
                probabilities: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
                classes: { type: 'array', items: { type: 'string' } },
                scores: { type: 'array', items: { type: 'number' } },
              },
            },
            ...errors,
          },
        },
      },
      async (req, reply) => {
        const r = await ctx.deployments.forward(req.workspaceId, req.params.name, '/predict', req.body);
        // The replica's JSON goes out as it came: a string payload skips serialization.
        return reply.code(r.status).type('application/json').send(r.body);
      },
    );

    // Open Inference Protocol v2: the deployment's name is the model's name there.
    const v2 = async (workspaceId: string, depName: string) => {
      const d = await ctx.deployments.get(workspaceId, depName).catch(() => {
        throw notFound('model', depName);
      });
      const model = await ctx.registry.get(workspaceId, `${d.modelName}@${d.modelVersion}`);
      return { d, doc: await ctx.registry.document(model) };
    };

    app.get<{ Params: { name: string } }>(
      '/v2/models/:name',
      {
        schema: {
          summary: 'Open Inference Protocol: model metadata',
          tags: ['inference'],
          params: depParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (req) => {
        const { d, doc } = await v2(req.workspaceId, req.params.name);
        return oipMetadata(d.name, d.modelVersion, doc.features, doc.task, doc.classes);
      },
    );

    app.get<{ Params: { name: string } }>(
      '/v2/models/:name/ready',
      {
        schema: {
          summary: 'Open Inference Protocol: model readiness',
          tags: ['inference'],
          params: depParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (req, reply) => {
        const { d } = await v2(req.workspaceId, req.params.name);
        const ready = ctx.deployments.readyReplicas(d) > 0;
        reply.code(ready ? 200 : 503);
        return { name: d.name, ready };
      },
    );

    app.post<{ Params: { name: string } }>(
      '/v2/models/:name/infer',
      {
        schema: {
          summary: 'Open Inference Protocol: inference',
          tags: ['inference'],
          params: depParams,
          body: {
            type: 'object',
            required: ['inputs'],
            properties: {
              id: { type: 'string' },
              inputs: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  required: ['name', 'shape', 'datatype', 'data'],
                  properties: {
                    name: { type: 'string' },
                    shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
                    datatype: { type: 'string' },
                    data: { type: 'array' },
                  },
                },
              },
            },
          },
          response: { 200: anyObject, ...errors },
        },
      },
      async (req, reply) => {
        await v2(req.workspaceId, req.params.name);
        const r = await ctx.deployments.forward(req.workspaceId, req.params.name, '/infer', req.body);
        return reply.code(r.status).type('application/json').send(r.body);
      },
    );
  };
