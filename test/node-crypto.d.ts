// The part of node:crypto test/sha256.test.ts compares the pseudonyms' digests with (workerd
// implements it under nodejs_compat); typed here rather than pulling all of @types/node into a
// Workers project.
declare module "node:crypto" {
  interface Hash {
    update(data: string): Hash;
    digest(encoding: "hex"): string;
  }
  export function createHmac(algorithm: "sha256", key: string): Hash;
  export function createHash(algorithm: "sha256"): Hash;
}
