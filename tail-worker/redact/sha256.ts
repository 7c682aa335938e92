/**
 * SHA-256 and HMAC-SHA-256 of short strings, synchronously and without node:crypto's per-call
 * cost (a hash object, a native call per step: about 4 µs a digest in workerd, more than the rest
 * of an event's tail path). An HMAC key's padded blocks are hashed once, when the hasher is made,
 * so that a keyed digest of an id costs two compressions. Strings are hashed as UTF-8, a lone
 * surrogate as U+FFFD, as node:crypto's `update(string)` does. test/sha256.test.ts proves the
 * digests equal node:crypto's.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** Message schedule and the state being hashed, shared: nothing here is re-entered. */
const W = new Int32Array(64);
const H = new Int32Array(8);
/** The bytes being hashed (UTF-8 of the input plus padding), grown when an input needs more. */
let bytes = new Uint8Array(256);

/** Hashes whole 64-byte blocks of `data[0..length)` into `state`. */
function compress(state: Int32Array, data: Uint8Array, length: number): void {
  for (let offset = 0; offset < length; offset += 64) {
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4;
      W[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15]!;
      const w2 = W[i - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
    }
    let a = state[0]!;
    let b = state[1]!;
    let c = state[2]!;
    let d = state[3]!;
    let e = state[4]!;
    let f = state[5]!;
    let g = state[6]!;
    let h = state[7]!;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    state[0] = (state[0]! + a) | 0;
    state[1] = (state[1]! + b) | 0;
    state[2] = (state[2]! + c) | 0;
    state[3] = (state[3]! + d) | 0;
    state[4] = (state[4]! + e) | 0;
    state[5] = (state[5]! + f) | 0;
    state[6] = (state[6]! + g) | 0;
    state[7] = (state[7]! + h) | 0;
  }
}

/** Writes the UTF-8 of `text` into `bytes` from `at`, growing it as needed; answers the end. */
function writeUtf8(text: string, at: number): number {
  // Three bytes per UTF-16 unit at most (a pair of units is four), plus room for the padding.
  const needed = at + text.length * 3 + 72;
  if (bytes.length < needed) bytes = new Uint8Array(needed * 2);
  let n = at;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      bytes[n++] = code;
      continue;
    }
    if (code < 0x800) {
      bytes[n++] = 0xc0 | (code >> 6);
      bytes[n++] = 0x80 | (code & 63);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        bytes[n++] = 0xf0 | (code >> 18);
        bytes[n++] = 0x80 | ((code >> 12) & 63);
        bytes[n++] = 0x80 | ((code >> 6) & 63);
        bytes[n++] = 0x80 | (code & 63);
        continue;
      }
      code = 0xfffd;
    }
    bytes[n++] = 0xe0 | (code >> 12);
    bytes[n++] = 0x80 | ((code >> 6) & 63);
    bytes[n++] = 0x80 | (code & 63);
  }
  return n;
}

/** Pads `bytes[0..end)` and hashes it into `state`; `totalBytes` counts what `state` holds already too. */
function finish(state: Int32Array, end: number, totalBytes: number): void {
  let n = end;
  bytes[n++] = 0x80;
  while (n % 64 !== 56) bytes[n++] = 0;
  const bits = totalBytes * 8;
  const high = Math.floor(bits / 2 ** 32);
  bytes[n++] = high >>> 24;
  bytes[n++] = (high >>> 16) & 255;
  bytes[n++] = (high >>> 8) & 255;
  bytes[n++] = high & 255;
  bytes[n++] = bits >>> 24;
  bytes[n++] = (bits >>> 16) & 255;
  bytes[n++] = (bits >>> 8) & 255;
  bytes[n++] = bits & 255;
  compress(state, bytes, n);
}

function hex(state: Int32Array, words: number): string {
  let out = "";
  for (let i = 0; i < words; i++) out += (state[i]! >>> 0).toString(16).padStart(8, "0");
  return out;
}

/** The first `hexDigits` (a multiple of 8, at most 64) hex digits of SHA-256(text). */
export function sha256Hex(text: string, hexDigits = 64): string {
  H.set(INITIAL);
  const end = writeUtf8(text, 0);
  finish(H, end, end);
  return hex(H, hexDigits / 8);
}

/** HMAC-SHA-256 keyed with `key`: a function of the text answering the first `hexDigits` hex digits. */
export function hmacSha256Hex(key: string, hexDigits = 64): (text: string) => string {
  let keyLength = writeUtf8(key, 0);
  let keyBytes = bytes.slice(0, keyLength);
  if (keyLength > 64) {
    const state = INITIAL.slice();
    finish(state, keyLength, keyLength);
    keyBytes = new Uint8Array(32);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 4; j++) keyBytes[i * 4 + j] = (state[i]! >>> (24 - j * 8)) & 255;
    keyLength = 32;
  }
  const padded = (pad: number) => {
    const block = new Uint8Array(64).fill(pad);
    for (let i = 0; i < keyLength; i++) block[i] = keyBytes[i]! ^ pad;
    const state = INITIAL.slice();
    compress(state, block, 64);
    return state;
  };
  const inner = padded(0x36);
  const outer = padded(0x5c);
  const words = hexDigits / 8;
  return (text) => {
    H.set(inner);
    const end = writeUtf8(text, 0);
    finish(H, end, 64 + end);
    for (let i = 0; i < 8; i++) {
      const word = H[i]!;
      bytes[i * 4] = word >>> 24;
      bytes[i * 4 + 1] = (word >>> 16) & 255;
      bytes[i * 4 + 2] = (word >>> 8) & 255;
      bytes[i * 4 + 3] = word & 255;
    }
    H.set(outer);
    finish(H, 32, 64 + 32);
    return hex(H, words);
  };
}
