/**
 * Wraps the real R2 binding to inject faults into archive writes (single PUTs and multipart
 * uploads); reads and listings go to R2 untouched.
 */
export interface BucketFaults {
  /** The next N writes throw before anything reaches R2. */
  failBeforeWrite?: number;
  /** The next N writes reach R2, then throw as if the answer was lost. */
  failAfterWrite?: number;
  /** Writes wait for this promise before they start (a slow R2). */
  gate?: Promise<void>;
  /** Only writes of keys it accepts are subject to the faults above (default: archive objects, not rollups). */
  only?: (key: string) => boolean;
}

export interface FaultyBucket {
  bucket: R2Bucket;
  /** Keys of every write attempt, in order. */
  attempts: string[];
  faults: BucketFaults;
}

const isArchiveKey = (key: string) => key.startsWith("tail-events/");

export function faultyBucket(real: R2Bucket, faults: BucketFaults = {}): FaultyBucket {
  const attempts: string[] = [];
  const write = async <T>(key: string, perform: () => Promise<T>): Promise<T> => {
    if (!(faults.only ?? isArchiveKey)(key)) return perform();
    attempts.push(key);
    if (faults.gate) await faults.gate;
    if ((faults.failBeforeWrite ?? 0) > 0) {
      faults.failBeforeWrite!--;
      throw new Error(`injected R2 failure before writing ${key}`);
    }
    const result = await perform();
    if ((faults.failAfterWrite ?? 0) > 0) {
      faults.failAfterWrite!--;
      throw new Error(`injected R2 failure after writing ${key}`);
    }
    return result;
  };

  const bucket = new Proxy(real, {
    get(target, property) {
      if (property === "put") {
        return (key: string, ...rest: unknown[]) => write(key, () => (target.put as (...a: unknown[]) => Promise<unknown>)(key, ...rest));
      }
      if (property === "createMultipartUpload") {
        return async (key: string, options?: R2MultipartOptions) => {
          const upload = await target.createMultipartUpload(key, options);
          return {
            key: upload.key,
            uploadId: upload.uploadId,
            uploadPart: (n: number, body: Uint8Array) => upload.uploadPart(n, body),
            abort: () => upload.abort(),
            complete: (parts: R2UploadedPart[]) => write(key, () => upload.complete(parts)),
          };
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { bucket, attempts, faults };
}
