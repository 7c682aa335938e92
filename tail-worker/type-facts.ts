import type { EventMapping } from "../schemas/analytics/mapping";
import { mappingFor } from "../schemas/analytics/mappings";
import type { Config } from "../schemas/config/config";
import { importanceMemoOf, type LevelMemo } from "./classify/importance";
import { namespaceOf } from "./classify/namespaces";
import type { Redactor } from "./redact/redact-fields";
import { typeRate } from "./sample/tail-sampler";
import { type CatalogCheck, catalogCheckOf } from "./validate/validate-event";

/**
 * What the tail path works out from an event's type alone, for one configuration: the name it is
 * archived under (redacted), its namespace, its catalog check, its analytics mapping, its sampling
 * rate and its importance memo. Each is a lookup by name in its own step; types repeat from event
 * to event, and in workerd each lookup of a type freshly parsed from a log line measured about
 * 50 ns, so one lookup here stands for seven. Each fact is still decided by its own step.
 */
export interface TypeFacts {
  /** The type as archived: the producer's name with any secret written into it redacted. */
  name: string;
  namespace: string | null;
  catalog: CatalogCheck | undefined;
  mapping: EventMapping | undefined;
  rate: number;
  importance: LevelMemo | undefined;
}

/** Producers choose types: past this many the facts start over, as the steps' own memos do. */
const MAX_TYPES = 10_000;
const factsByConfig = new WeakMap<Config, Map<string, TypeFacts>>();

/** The facts of a type (as the producer wrote it) under `config`, for the events of one tail() call. */
export function typeFactsFor(config: Config, redactor: Redactor): (type: string) => TypeFacts {
  let byType = factsByConfig.get(config);
  if (byType === undefined) {
    byType = new Map();
    factsByConfig.set(config, byType);
  }
  const known = byType;
  return (type) => {
    let facts = known.get(type);
    if (facts === undefined) {
      const name = redactor.redactName(type);
      facts = {
        name,
        namespace: namespaceOf(name)?.namespace ?? null,
        catalog: catalogCheckOf(name),
        mapping: mappingFor(name),
        rate: typeRate(config.sampling, name),
        importance: importanceMemoOf(config.importanceRules, name),
      };
      if (known.size >= MAX_TYPES) known.clear();
      known.set(type, facts);
    }
    return facts;
  };
}
