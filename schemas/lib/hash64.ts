/**
 * A fast 64-bit non-cryptographic string hash (two 32-bit lanes of the cyrb53 mix). It only has
 * to make accidental collisions between different invocations improbable, not resist attackers.
 */
export class Hash64 {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  update(text: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    const length = text.length;
    let i = 0;
    // Two UTF-16 units per step: half the multiplications of a unit-at-a-time loop.
    for (; i + 1 < length; i += 2) {
      const pair = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
      h1 = Math.imul(h1 ^ pair, 2654435761);
      h2 = Math.imul(h2 ^ pair, 1597334677);
    }
    if (i < length) {
      const last = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ last, 2654435761);
      h2 = Math.imul(h2 ^ last, 1597334677);
    }
    // The length goes in too, so that "ab" + "c" and "a" + "bc" differ across updates.
    h1 = Math.imul(h1 ^ length, 2654435761);
    h2 = Math.imul(h2 ^ length, 1597334677);
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  hex(): string {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, "0") + (h1 >>> 0).toString(16).padStart(8, "0");
  }
}
