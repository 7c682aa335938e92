import type { Pipeline } from "cloudflare:pipelines";
import type { AlertStateRpc } from "../alert-rpc";
import type { CollectorRpc } from "../collector-rpc";
import type { LiveCollectorRpc, LiveHubRpc } from "../live/streams";

/** Bindings and variables of the do-tail worker, as declared in wrangler.tail.toml. */
export interface Env {
  TAIL_COLLECTOR: DurableObjectNamespace<CollectorRpc & LiveCollectorRpc & Rpc.DurableObjectBranded>;
  ALERT_STATE: DurableObjectNamespace<AlertStateRpc & Rpc.DurableObjectBranded>;
  /** The live hub: every open `GET /live` stream (one object, see collector-do/live/hub/live-hub.ts). */
  LIVE_HUB: DurableObjectNamespace<LiveHubRpc & Rpc.DurableObjectBranded>;
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
  /** JSON array of alert rules; a secret when its webhook URLs carry credentials (Slack's do). */
  ALERT_RULES?: string;
  /** A secret: `wrangler secret put ALERT_WEBHOOK_SECRET -c wrangler.tail.toml`. */
  ALERT_WEBHOOK_SECRET?: string;
  /** The dashboard's public URL, for links in notifications. */
  PUBLIC_URL?: string;
}
