/** R2 wrapped only to count Class A operations (PUT, multipart create, part, complete). */
export function countingBucket(real: R2Bucket, counts: { classA: number }): R2Bucket {
  return new Proxy(real, {
    get(target, property) {
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
