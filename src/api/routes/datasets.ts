import type { FastifyPluginAsync } from 'fastify';
import type { Readable } from 'node:stream';
import { badRequest } from '../../core/errors.js';
import type { ApiContext } from '../context.js';
import { datasetDto } from '../dto.js';
import { datasetSchema, errors, name, ref } from '../schemas.js';

export const datasetRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    // Uploads arrive as a raw stream (text/csv or octet-stream) and go straight to disk.
    app.addContentTypeParser(['text/csv', 'application/octet-stream', 'text/plain'], (_req, payload, done) =>
      done(null, payload),
    );

    app.post<{ Params: { name: string }; Querystring: { filename?: string } }>(
      '/v1/datasets/:name',
      {
        schema: {
          summary: 'Upload a CSV as the next version of a dataset (streamed)',
          tags: ['datasets'],
          params: { type: 'object', properties: { name }, required: ['name'] },
          querystring: { type: 'object', properties: { filename: { type: 'string', maxLength: 255 } } },
          consumes: ['text/csv', 'application/octet-stream'],
          response: {
            200: { type: 'object', properties: { created: { type: 'boolean' }, dataset: datasetSchema } },
            201: { type: 'object', properties: { created: { type: 'boolean' }, dataset: datasetSchema } },
            ...errors,
          },
        },
      },
      async (req, reply) => {
        const body = req.body as Readable | undefined;
        if (!body || typeof (body as Readable).pipe !== 'function')
          throw badRequest(
            'invalid_content_type',
            'send the CSV as the request body with Content-Type: text/csv',
          );
        const { dataset, created } = await ctx.datasets.create(
          req.workspaceId,
          req.params.name,
          body,
          req.query.filename ?? null,
        );
        reply.code(created ? 201 : 200);
        return { created, dataset: datasetDto(dataset) };
      },
    );

    app.get(
      '/v1/datasets',
      {
        schema: {
          summary: 'List datasets (newest version of each)',
          tags: ['datasets'],
          response: {
            200: { type: 'object', properties: { datasets: { type: 'array', items: datasetSchema } } },
          },
        },
      },
      async (req) => ({ datasets: (await ctx.datasets.list(req.workspaceId)).map(datasetDto) }),
    );

    app.get<{ Params: { ref: string }; Querystring: { preview?: number } }>(
      '/v1/datasets/:ref',
      {
        schema: {
          summary: 'Show a dataset version (NAME or NAME@VERSION) with a preview of its rows',
          tags: ['datasets'],
          params: { type: 'object', properties: { ref }, required: ['ref'] },
          querystring: {
            type: 'object',
            properties: { preview: { type: 'integer', minimum: 0, maximum: 1000, default: 10 } },
          },
          response: {
            200: {
              type: 'object',
              properties: {
                dataset: datasetSchema,
                versions: { type: 'array', items: { type: 'integer' } },
                preview: { type: 'array', items: { type: 'object', additionalProperties: true } },
              },
            },
            ...errors,
          },
        },
      },
      async (req) => {
        const d = await ctx.datasets.get(req.workspaceId, req.params.ref);
        const versions = (await ctx.datasets.versions(req.workspaceId, d.name)).map((v) => v.version);
        return {
          dataset: datasetDto(d),
          versions,
          preview: await ctx.datasets.preview(d, req.query.preview ?? 10),
        };
      },
    );
  };
