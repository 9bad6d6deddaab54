/**
 * A serving replica: one process that loads one model document and answers predictions
 * over HTTP on a loopback port. The platform's gateway routes requests to replicas; the
 * same Model class runs here as in training, so served predictions equal in-process ones.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { NeutrinoError, errorMessage } from '../core/errors.js';
import { Model, type ModelDocument } from '../ml/model.js';
import { oipResponse, oipToRows } from './oip.js';

export type ReplicaMessage = { type: 'ready'; port: number } | { type: 'error'; error: string };

const MAX_BODY = Number(process.env.NEUTRINO_MAX_BODY ?? 16 * 1024 * 1024);

async function main() {
  const [modelPath, name, version] = process.argv.slice(2);
  let model: Model;
  try {
    model = Model.fromDocument(JSON.parse(await readFile(modelPath, 'utf8')) as ModelDocument);
  } catch (e) {
    process.send?.({
      type: 'error',
      error: `cannot load the model: ${errorMessage(e)}`,
    } satisfies ReplicaMessage);
    process.exit(1);
  }
  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    try {
      if (req.method === 'GET' && req.url === '/health') return reply(res, 200, { ready: true });
      if (req.method !== 'POST')
        return reply(res, 404, { error: { code: 'not_found', message: 'no such route' } });
      const body = await readJson(req);
      if (req.url === '/predict') {
        const rows = (body as { rows?: unknown })?.rows;
        return reply(res, 200, model.predictRows(rows));
      }
      if (req.url === '/infer') {
        const result = model.predictRows(oipToRows(body, model.features));
        return reply(res, 200, oipResponse(name, Number(version), (body as { id?: string }).id, result));
      }
      return reply(res, 404, { error: { code: 'not_found', message: 'no such route' } });
    } catch (e) {
      if (e instanceof NeutrinoError)
        return reply(res, e.status, { error: { code: e.code, message: e.message } });
      return reply(res, 500, { error: { code: 'internal', message: errorMessage(e) } });
    }
  }

  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.send?.({
      type: 'ready',
      port: typeof addr === 'object' && addr ? addr.port : 0,
    } satisfies ReplicaMessage);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The platform went away: a replica never outlives it.
  process.on('disconnect', stop);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new NeutrinoError('too_large', `the request body is larger than ${MAX_BODY} bytes`, 413));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new NeutrinoError('invalid_json', 'the request body is not valid JSON', 400));
      }
    });
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown) {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
  res.end(s);
}

void main();
