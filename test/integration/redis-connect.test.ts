import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToUrl } from '../../src/redis/acquire.js';
import { findRedisServer, type StartedServer, startRedisServer } from '../../src/redis/server.js';

let guarded: StartedServer;
let open: StartedServer;
let notRedis: Server;
let notRedisPort: number;
let silent: Server;
let silentPort: number;

beforeAll(async () => {
  const executable = (await findRedisServer(process.env.PATH ?? ''))!;
  guarded = await startRedisServer(executable, 3, ['--requirepass', 's3cret']);
  open = await startRedisServer(executable);
  // A TCP service that is not Redis: it answers every request with an HTTP status line.
  notRedis = createServer((socket) => {
    socket.on('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => notRedis.listen(0, '127.0.0.1', resolve));
  notRedisPort = (notRedis.address() as { port: number }).port;
  // A listener that accepts and never answers.
  silent = createServer((socket) => socket.on('error', () => {}));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
}, 30_000);

afterAll(async () => {
  await guarded?.stop();
  await open?.stop();
  notRedis?.close();
  silent?.close();
});

const cause = (url: string) =>
  connectToUrl(url).then(
    async (handle) => {
      await handle.close();
      return 'connected';
    },
    (error: Error) => error.message,
  );

describe('a Redis connection that cannot be used names the real cause', () => {
  it('gives up on a listener that never answers within the command timeout', async () => {
    const started = Date.now();
    const message = await connectToUrl(`redis://127.0.0.1:${silentPort}`, 1000).then(
      async (handle) => {
        await handle.close();
        return 'connected';
      },
      (error: Error) => error.message,
    );
    expect(message).toMatch(/no answer in time/);
    expect(Date.now() - started).toBeLessThan(1000 + 5000);
  }, 20_000);

  it('a closed port, a missing password, a wrong password, a database that does not exist, a non-Redis server', async () => {
    expect(await cause('redis://127.0.0.1:1')).toMatch(
      /: nothing listens there \(connect ECONNREFUSED 127\.0\.0\.1:1\)/,
    );
    const port = new URL(guarded.url).port;
    expect(await cause(`redis://127.0.0.1:${port}`)).toMatch(/the server needs a password \(NOAUTH/);
    expect(await cause(`redis://:wrong@127.0.0.1:${port}`)).toMatch(
      /the password or user name is wrong \(WRONGPASS/,
    );
    expect(await cause(`redis://:wrong@127.0.0.1:${port}`)).not.toContain('wrong@'); // the password is redacted
    expect(await cause(`redis://:s3cret@127.0.0.1:${port}`)).toBe('connected');
    expect(await cause(`${open.url}/99`)).toMatch(
      /that database number does not exist on the server \(ERR DB index is out of range\)/,
    );
    expect(await cause(`${open.url}/3`)).toBe('connected');
    expect(await cause(`rediss://127.0.0.1:${port}`)).toMatch(/TLS/);
    expect(await cause(`redis://127.0.0.1:${notRedisPort}`)).toMatch(
      /does not speak the Redis protocol|closed the connection at once|no answer in time/,
    );
  }, 30_000);
});
