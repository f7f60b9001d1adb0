/**
 * A real Redis for integration tests: REDIS_URL when set, else a private redis-server started here.
 */
import { acquireRedis, connectToUrl, type RedisHandle } from '../../src/redis/acquire.js';

export async function testRedis(): Promise<RedisHandle> {
  const url = process.env.REDIS_URL;
  if (url) return connectToUrl(url);
  return acquireRedis({ allowEmbedded: false, searchPath: process.env.PATH });
}

export async function embeddedRedis(): Promise<RedisHandle> {
  return acquireRedis({ preferEmbedded: true });
}
