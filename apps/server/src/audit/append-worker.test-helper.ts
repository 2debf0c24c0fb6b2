/**
 * For audit.test.ts only: a separate process that appends to the same audit file as another one,
 * so the test sees two writers really contend for SQLite's lock.
 *
 *   node --import tsx append-worker.test-helper.ts <db file> <name> <count> <start at, epoch ms>
 */
import { openServerDb } from '../db.ts';
import { Audit } from './audit.ts';
import { AUDIT_MIGRATIONS } from './migrations.ts';

const [file, name, count, startAt] = process.argv.slice(2) as [string, string, string, string];
const db = openServerDb(file, AUDIT_MIGRATIONS);
const audit = new Audit({ db });
// Both processes start appending at the same moment, whenever each finished loading.
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 1));
for (let i = 0; i < Number(count); i++)
  audit.append({ actor: 'system', action: 'test.append', target: { kind: 'worker', id: name }, details: { i } });
db.close();
