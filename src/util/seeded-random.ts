/**
 * The seeded uniform stream of seedrandom's default generator (ARC4 keyed by the seed string, the first 256
 * bytes dropped, 52-bit doubles), draw for draw, without its side effects: seedrandom also mixes every
 * generator's state into a global entropy pool, which costs as much as the key schedule and is never read
 * here. Scenario generation and the bootstrap create and draw from many streams, so this is hot code.
 */

const WIDTH = 256;
const MASK = WIDTH - 1;
const START_DENOM = WIDTH ** 6;
const SIGNIFICANCE = 2 ** 52;
const OVERFLOW = SIGNIFICANCE * 2;

/** seedrandom's key from a string seed (its `mixkey`): at most 256 bytes; its length. */
function keyOf(seed: string, key: Uint8Array): number {
  let smear = 0;
  let length = 0;
  for (let j = 0; j < seed.length; j++) {
    const at = MASK & j;
    smear ^= (at < length ? key[at]! : 0) * 19;
    key[at] = MASK & (smear + seed.charCodeAt(j));
    if (at >= length) length = at + 1;
  }
  return length;
}

/** A function giving the same numbers in [0, 1) as `seedrandom(seed)()` does, in the same order. */
export function seededRandom(seed: string): () => number {
  const key = new Uint8Array(WIDTH);
  const keyLength = Math.max(1, keyOf(seed, key)); // an empty key is the key [0]
  const s = new Uint8Array(WIDTH);
  for (let i = 0; i < WIDTH; i++) s[i] = i;
  let j = 0;
  for (let i = 0, k = 0; i < WIDTH; i++) {
    const t = s[i]!;
    j = MASK & (j + key[k]! + t);
    s[i] = s[j]!;
    s[j] = t;
    if (++k === keyLength) k = 0;
  }
  // The first 256 keystream bytes are dropped (RC4-drop[256]), as seedrandom does.
  let si = 0;
  let sj = 0;
  for (let c = 0; c < WIDTH; c++) {
    si = MASK & (si + 1);
    const t = s[si]!;
    sj = MASK & (sj + t);
    s[si] = s[sj]!;
    s[sj] = t;
  }
  // One keystream byte per step; every double takes seven of them.
  const byte = (): number => {
    si = MASK & (si + 1);
    const t = s[si]!;
    sj = MASK & (sj + t);
    const u = s[sj]!;
    s[si] = u;
    s[sj] = t;
    return s[MASK & (u + t)]!;
  };
  return () => {
    let n = 0;
    for (let c = 0; c < 6; c++) n = n * WIDTH + byte();
    let d = START_DENOM;
    let x = 0;
    while (n < SIGNIFICANCE) {
      n = (n + x) * WIDTH;
      d *= WIDTH;
      x = byte();
    }
    while (n >= OVERFLOW) {
      n /= 2;
      d /= 2;
      x >>>= 1;
    }
    return (n + x) / d;
  };
}
