import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { NeutrinoError } from '../core/errors.js';
import { hashToken } from './auth.js';
import type { ApiContext } from './context.js';
import { datasetRoutes } from './routes/datasets.js';
import { deploymentRoutes } from './routes/deployments.js';
import { jobRoutes } from './routes/jobs.js';
import { modelRoutes } from './routes/models.js';

/** Routes that answer without a token: health, the API's own description, its docs page. */
const PUBLIC = [/^\/healthz$/, /^\/openapi\.json$/, /^\/docs(\/|$)/];

export async function buildApp(
  ctx: ApiContext,
  logger: Logger,
  bodyLimit = 16 * 1024 * 1024,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit,
    // Union types ("string or null") are how the schemas say optional-and-nullable.
    ajv: { customOptions: { allowUnionTypes: true } },
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof NeutrinoError)
      return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    if (err.validation)
      return reply.code(400).send({
        error: {
          code: 'invalid_request',
          message:
            `${err.validationContext ?? 'request'} ${err.message.replace(/^(body|params|querystring)\/?/, '')}`.trim(),
        },
      });
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send({
        error: { code: 'too_large', message: `the request body is larger than ${bodyLimit} bytes` },
      });
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.code(415).send({ error: { code: 'unsupported_media_type', message: err.message } });
    if (err.statusCode && err.statusCode < 500)
      return reply
        .code(err.statusCode)
        .send({ error: { code: (err.code ?? 'bad_request').toLowerCase(), message: err.message } });
    req.log.error({ err }, 'request failed');
    return reply
      .code(500)
      .send({ error: { code: 'internal', message: 'internal error; see the platform log' } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  app.decorateRequest('workspaceId', '');
  app.addHook('onRequest', async (req, reply) => {
    if (ctx.noAuth || PUBLIC.some((p) => p.test(req.url.split('?')[0]))) {
      req.workspaceId = ctx.defaultWorkspaceId;
      return;
    }
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const hash = m ? hashToken(m[1]) : null;
    if (hash && hash === ctx.processTokenHash) {
      req.workspaceId = ctx.defaultWorkspaceId;
      return;
    }
    const token = hash ? await ctx.store.findTokenByHash(hash) : null;
    if (!token)
      return reply.code(401).send({
        error: {
          code: 'unauthorized',
          message: 'a valid API token is required: pass --token, set NEUTRINO_TOKEN, or run `neutrino login`',
        },
      });
    req.workspaceId = token.workspaceId;
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Neutrino',
        version: ctx.version,
        description: 'Datasets, training jobs, models and deployments.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and version',
        tags: ['system'],
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              version: { type: 'string' },
              started_at: { type: 'string' },
              metadata: { type: 'string' },
            },
          },
        },
      },
    },
    async () => ({ status: 'ok', version: ctx.version, started_at: ctx.startedAt, metadata: ctx.store.kind }),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(datasetRoutes(ctx));
  await app.register(jobRoutes(ctx));
  await app.register(modelRoutes(ctx));
  await app.register(deploymentRoutes(ctx));
  return app;
}
