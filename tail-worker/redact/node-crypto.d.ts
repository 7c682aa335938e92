// The part of node:crypto the IP hash uses (workerd implements it under nodejs_compat); typed
// here rather than pulling all of @types/node into a Workers project.
declare module "node:crypto" {
  interface Hmac {
    update(data: string): Hmac;
    digest(encoding: "hex"): string;
  }
  export function createHmac(algorithm: "sha256", key: string): Hmac;
}
