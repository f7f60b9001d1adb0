/** Points files: a store's points with the run that made them (shards write them, merge reads them). */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errorMessage, InputError } from '../errors.js';
import { type PointsDocument, type PointsStore, readPointsDocument } from '../points/store.js';

export async function readPointsFile(path: string, cwd: string): Promise<PointsDocument> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new InputError(`points file '${path}' cannot be read (${errorMessage(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`points file '${path}' is not JSON (${errorMessage(error)})`);
  }
  return readPointsDocument(value, path);
}

export async function writePointsFile(
  path: string,
  cwd: string,
  store: PointsStore,
  run: PointsDocument['run'],
  shard: PointsDocument['shard'],
): Promise<void> {
  await writeFile(resolve(cwd, path), `${JSON.stringify(store.toDocument(run, shard))}\n`);
}
