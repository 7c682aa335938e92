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
  const sendPart = async () => {
    upload ??= await bucket.createMultipartUpload(key, options);
    // Awaited before the buffer is refilled, so one buffer serves every part.
    uploaded.push(await upload.uploadPart(uploaded.length + 1, part));
    filled = 0;
  };

  try {
    for (const chunk of chunks) {
      let rest = chunk;
      while (rest.length > 0) {
        // Encoding straight into the part buffer: no copy of the object is ever made.
        const { read, written } = encoder.encodeInto(rest, part.subarray(filled));
        filled += written;
        total += written;
        rest = read === rest.length ? "" : rest.slice(read);
        if (filled === PART_BYTES) {
          await sendPart();
        } else if (rest.length > 0) {
          // The next character's bytes do not fit whole: split them across the two parts.
          const width = rest.codePointAt(0)! > 0xffff ? 2 : 1;
          const bytes = encoder.encode(rest.slice(0, width));
          rest = rest.slice(width);
          const head = PART_BYTES - filled;
          part.set(bytes.subarray(0, head), filled);
          filled = PART_BYTES;
          await sendPart();
          part.set(bytes.subarray(head), 0);
          filled = bytes.length - head;
          total += bytes.length;
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
