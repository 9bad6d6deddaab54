import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from './sqlite.js';
import { storeSuite } from './store.suite.js';

const file = join(mkdtempSync(join(tmpdir(), 'neutrino-sqlite-')), 'meta.db');
storeSuite(
  'sqlite (a real file)',
  async () => new SqliteStore(file),
  async () => new SqliteStore(file),
);
