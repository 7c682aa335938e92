/**
 * Writes one archive object from a stream of JSON text chunks. Objects up to one part are a single
 * PUT; larger ones go up as a multipart upload of equal-size parts (R2 requires every part but the
 * last to have the same size), so at most one part is held in memory, whatever the object's size.
 */
export const PART_BYTES = 8 * 1024 * 1024;

export interface WrittenObject {
  key: string;
  bytes: number;
  parts: number;
}

export async function writeArchiveObject(
  bucket: R2Bucket,
  key: string,
  chunks: Iterable<string>,
  customMetadata: Record<string, string>,
): Promise<WrittenObject> {
  const encoder = new TextEncoder();
  const part = new Uint8Array(PART_BYTES);
  const options = { httpMetadata: { contentType: "application/json" }, customMetadata };
  let filled = 0;
  let total = 0;
  let upload: R2MultipartUpload | undefined;
  const uploaded: R2UploadedPart[] = [];

  try {
    for (const chunk of chunks) {
      const bytes = encoder.encode(chunk);
      let offset = 0;
      while (offset < bytes.length) {
        const n = Math.min(bytes.length - offset, PART_BYTES - filled);
        part.set(bytes.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        total += n;
        if (filled === PART_BYTES) {
          upload ??= await bucket.createMultipartUpload(key, options);
          uploaded.push(await upload.uploadPart(uploaded.length + 1, part));
          filled = 0;
        }
      }
    }
    if (!upload) {
      await bucket.put(key, part.subarray(0, filled), options);
      return { key, bytes: total, parts: 1 };
    }
    if (filled > 0) uploaded.push(await upload.uploadPart(uploaded.length + 1, part.subarray(0, filled)));
    await upload.complete(uploaded);
    return { key, bytes: total, parts: uploaded.length };
  } catch (error) {
    await upload?.abort().catch(() => undefined);
    throw error;
  }
}
