import type { Pipeline } from "cloudflare:pipelines";
import type { CollectorRpc } from "../collector-rpc";

/** Bindings and variables of the do-tail worker, as declared in wrangler.tail.toml. */
export interface Env {
  TAIL_COLLECTOR: DurableObjectNamespace<CollectorRpc & Rpc.DurableObjectBranded>;
  ARCHIVE: R2Bucket;
  ANALYTICS?: AnalyticsEngineDataset;
  /** Optional Analytics SQL binding (`analytics = { binding = "ANALYTICS_SQL" }`): /insights read Analytics Engine through it. */
  ANALYTICS_SQL?: AnalyticsSQLBinding;
  /** A Basin (Pipelines) stream: every archived event is sent to it as a record (README, "SQL at scale: Basin"). */
  BASIN_STREAM?: Pipeline;
  /** This version's id and tag (version_metadata binding): do-tail recognises its own invocations by it. */
  CF_VERSION_METADATA?: WorkerVersionMetadata;
  ENVIRONMENT?: string;
  FLUSH_INTERVAL_SECONDS?: string;
  BATCH_SIZE?: string;
  SHARD_COUNT?: string;
  SAMPLING?: string;
  ANALYTICS_ENABLED?: string;
  ANALYTICS_ENDPOINT?: string;
  ANALYTICS_MAPPINGS_DISABLED?: string;
  ANALYTICS_DATASET?: string;
  LOG_LEVEL?: string;
  MAX_EVENT_BYTES?: string;
  IMPORTANCE_RULES?: string;
  BUFFER_THRESHOLDS?: string;
  BUFFER_CAPS?: string;
  /** A secret: `wrangler secret put ADMIN_TOKEN -c wrangler.tail.toml`. */
  ADMIN_TOKEN?: string;
  /** A secret: `wrangler secret put IP_HASH_SALT -c wrangler.tail.toml`. */
  IP_HASH_SALT?: string;
  REDACT_FIELDS?: string;
  KEEP_CF_FIELDS?: string;
  MAX_BODY_BYTES?: string;
  QUERY_MAX_OBJECTS?: string;
  QUERY_MAX_BYTES?: string;
  QUERY_MAX_LIST_CALLS?: string;
}
