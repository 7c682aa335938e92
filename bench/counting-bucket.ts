/** R2 wrapped only to count Class A operations (PUT, multipart create, part, complete) and Class B ones (GET). */
export function countingBucket(real: R2Bucket, counts: { classA: number; classB?: number }): R2Bucket {
  return new Proxy(real, {
    get(target, property) {
      if (property === "get")
        return (...args: Parameters<R2Bucket["get"]>) => {
          counts.classB = (counts.classB ?? 0) + 1;
          return target.get(...args);
        };
      if (property === "put")
        return (...args: Parameters<R2Bucket["put"]>) => {
          counts.classA++;
          return target.put(...args);
        };
      if (property === "createMultipartUpload") {
        return async (key: string, options?: R2MultipartOptions) => {
          counts.classA++;
          const upload = await target.createMultipartUpload(key, options);
          return {
            ...upload,
            uploadPart: (n: number, body: Uint8Array) => {
              counts.classA++;
              return upload.uploadPart(n, body);
            },
            complete: (parts: R2UploadedPart[]) => {
              counts.classA++;
              return upload.complete(parts);
            },
            abort: () => upload.abort(),
          };
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
