import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../context.js';
import { modelDto } from '../dto.js';
import { errors, modelSchema, ref } from '../schemas.js';

export const modelRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/v1/models',
      {
        schema: {
          summary: 'List models (newest version of each)',
          tags: ['models'],
          response: {
            200: { type: 'object', properties: { models: { type: 'array', items: modelSchema } } },
          },
        },
      },
      async (req) => ({ models: (await ctx.registry.list(req.workspaceId)).map(modelDto) }),
    );

    app.get<{ Params: { ref: string } }>(
      '/v1/models/:ref',
      {
        schema: {
          summary: 'Show a model version (NAME or NAME@VERSION) with its metrics and lineage',
          tags: ['models'],
          params: { type: 'object', properties: { ref }, required: ['ref'] },
          response: {
            200: {
              type: 'object',
              properties: { model: modelSchema, versions: { type: 'array', items: { type: 'integer' } } },
            },
            ...errors,
          },
        },
      },
      async (req) => {
        const m = await ctx.registry.get(req.workspaceId, req.params.ref);
        const versions = (await ctx.registry.versions(req.workspaceId, m.name)).map((v) => v.version);
        return { model: modelDto(m), versions };
      },
    );

    app.get<{ Params: { ref: string } }>(
      '/v1/models/:ref/document',
      {
        schema: {
          summary: 'Download the model document (pipeline and learner as JSON)',
          tags: ['models'],
          params: { type: 'object', properties: { ref }, required: ['ref'] },
          response: { 200: { type: 'object', additionalProperties: true }, ...errors },
        },
      },
      async (req) => ctx.registry.document(await ctx.registry.get(req.workspaceId, req.params.ref)),
    );
  };
