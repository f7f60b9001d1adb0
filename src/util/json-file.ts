/** Writes a JSON document to a file piece by piece (see json-chunks.ts), never holding its whole text. */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { jsonChunks } from './json-chunks.js';

/** Characters gathered per write: large enough to keep writes few, small beside any report. */
const WRITE_SIZE = 1 << 20;

function* batches(document: unknown, indent: number): Generator<string> {
  let pending: string[] = [];
  let size = 0;
  for (const chunk of jsonChunks(document, { indent })) {
    pending.push(chunk);
    size += chunk.length;
    if (size >= WRITE_SIZE) {
      yield pending.join('');
      pending = [];
      size = 0;
    }
  }
  pending.push('\n');
  yield pending.join('');
}

/** The file holds exactly `JSON.stringify(document, null, indent)` and a final newline. */
export async function writeJsonFile(path: string, document: unknown, indent = 2): Promise<void> {
  await pipeline(Readable.from(batches(document, indent)), createWriteStream(path));
}
