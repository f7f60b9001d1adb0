/** Points files: a store's points with the run that made them (shards write them, merges read them). */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { errorMessage, InputError } from '../errors.js';
import { writeJsonFile } from '../util/json-file.js';
import { type PointsDocument, type PointsStore, readPointsDocument } from './store.js';

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
  await writeJsonFile(resolve(cwd, path), store.toDocument(run, shard), 0);
}

/** Every `*.json` points file below a folder (downloaded artifacts may sit in one subfolder each). */
export async function readPointsFolder(folder: string): Promise<{ path: string; doc: PointsDocument }[]> {
  let entries: string[];
  try {
    entries = (await readdir(folder, { recursive: true })).map(String);
  } catch (error) {
    throw new InputError(`points folder '${folder}' cannot be read (${errorMessage(error)})`);
  }
  const files = entries.filter((name) => name.endsWith('.json')).sort();
  if (files.length === 0) throw new InputError(`points folder '${folder}' holds no .json points file`);
  return Promise.all(
    files.map(async (name) => {
      const path = join(folder, name);
      return { path: relative(folder, path), doc: await readPointsFile(path, folder) };
    }),
  );
}
