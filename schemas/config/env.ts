/** Bindings and variables of the do-tail worker, as declared in wrangler.tail.toml. */
export interface Env {
  TAIL_COLLECTOR: DurableObjectNamespace<import("../../collector-do/tail-collector").TailCollector>;
  ARCHIVE: R2Bucket;
  ANALYTICS?: AnalyticsEngineDataset;
  ENVIRONMENT?: string;
  FLUSH_INTERVAL_SECONDS?: string;
  BATCH_SIZE?: string;
  ANALYTICS_ENABLED?: string;
  ANALYTICS_ENDPOINT?: string;
  LOG_LEVEL?: string;
  MAX_EVENT_BYTES?: string;
  IMPORTANCE_RULES?: string;
  BUFFER_THRESHOLDS?: string;
  BUFFER_CAPS?: string;
}
