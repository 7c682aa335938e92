// The part of node:diagnostics_channel this producer uses (workerd implements it under
// nodejs_compat); declared here because the project has no Node type definitions.
declare module "node:diagnostics_channel" {
  interface Channel {
    readonly name: string;
    readonly hasSubscribers: boolean;
    publish(message: unknown): void;
  }
  export function channel(name: string): Channel;
}
