import type { CollectorRpc } from "../collector-rpc";
import type { LiveCollectorRpc, LiveHubRpc } from "../live/streams";

/** Bindings and variables of the do-tail worker, as declared in wrangler.tail.toml. */
export interface Env {
  TAIL_COLLECTOR: DurableObjectNamespace<CollectorRpc & LiveCollectorRpc & Rpc.DurableObjectBranded>;
  /** The live hub: every open `GET /live` stream (one object, see tail-worker/live/live-hub.ts). */
  LIVE_HUB: DurableObjectNamespace<LiveHubRpc & Rpc.DurableObjectBranded>;
  ARCHIVE: R2Bucket;
  ANALYTICS?: AnalyticsEngineDataset;
  ENVIRONMENT?: string;
  FLUSH_INTERVAL_SECONDS?: string;
  BATCH_SIZE?: string;
  SHARD_COUNT?: string;
  SAMPLING?: string;
  ANALYTICS_ENABLED?: string;
  ANALYTICS_ENDPOINT?: string;
  ANALYTICS_MAPPINGS_DISABLED?: string;
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
  MAX_BODY_BYTES?: string;
  QUERY_MAX_OBJECTS?: string;
  QUERY_MAX_BYTES?: string;
}
