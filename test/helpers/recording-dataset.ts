/**
 * Analytics Engine is a no-op locally, so what the collector writes is observed by wrapping the
 * real binding: every call is recorded and then passed on to it unchanged.
 */
export interface RecordingDataset {
  dataset: AnalyticsEngineDataset;
  writes: AnalyticsEngineDataPoint[];
}

export function recordingDataset(binding: AnalyticsEngineDataset, options: { failWith?: string } = {}): RecordingDataset {
  const writes: AnalyticsEngineDataPoint[] = [];
  const dataset: AnalyticsEngineDataset = {
    writeDataPoint(point) {
      if (options.failWith) throw new Error(options.failWith);
      writes.push(structuredClone(point ?? {}));
      binding.writeDataPoint(point);
    },
  };
  return { dataset, writes };
}
