/** What a query did to R2: list calls (their options), keys the listings answered, and keys read. */
export interface ObservedR2 {
  lists: R2ListOptions[];
  listedKeys: string[];
  reads: string[];
}

/** The real R2 binding wrapped only to observe list calls and reads; everything goes to R2 untouched. */
export function observedBucket(real: R2Bucket): { bucket: R2Bucket; seen: ObservedR2 } {
  const seen: ObservedR2 = { lists: [], listedKeys: [], reads: [] };
  const bucket = new Proxy(real, {
    get(target, property) {
      if (property === "list")
        return async (options?: R2ListOptions) => {
          seen.lists.push(options ?? {});
          const page = await target.list(options);
          seen.listedKeys.push(...page.objects.map((o) => o.key));
          return page;
        };
      if (property === "get")
        return (key: string, options?: R2GetOptions) => {
          seen.reads.push(key);
          return target.get(key, options);
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { bucket, seen };
}
