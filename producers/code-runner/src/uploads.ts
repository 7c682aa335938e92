import { between, chance, latency, pick, shortId } from "../../lib/random";
import { type Correlation, WideEvent } from "../../lib/wide-event";
import { PLANS, RUNTIMES, type Simulate, sha256Hex } from "./domain";

/** What a client uploads: files by path and size, and (for publish) the entry file's source. */
export interface UploadBody {
  userId?: string;
  plan?: string;
  files?: { path: string; size: number }[];
  source?: string;
  runtimeType?: string;
}

const MAX_TOTAL_BYTES = 5 * 1024 * 1024;

interface UploadCheck {
  outcome: "success" | "rejected";
  code: string;
  totalSizeBytes: number;
  fileCount: number;
  warningCount: number;
}

function checkUpload(body: UploadBody): UploadCheck {
  const files = Array.isArray(body.files) ? body.files : [];
  const totalSizeBytes = files.reduce((sum, f) => sum + (Number(f.size) || 0), 0);
  const warningCount = files.filter((f) => /\.(map|DS_Store)$/.test(f.path)).length + (chance(0.2) ? between(1, 4) : 0);
  let code = "ok";
  if (files.length === 0) code = "empty_upload";
  else if (totalSizeBytes > MAX_TOTAL_BYTES) code = "too_large";
  else if (!files.some((f) => /(^|\/)(index\.(html|jsx?|tsx?)|main\.py)$/.test(f.path))) code = "no_entry";
  return { outcome: code === "ok" ? "success" : "rejected", code, totalSizeBytes, fileCount: files.length, warningCount };
}

/** POST /imports: one `import` event. */
export function importProject(body: UploadBody, correlation: Correlation): Response {
  const check = checkUpload(body);
  new WideEvent("import", correlation, { ...check, plan: body.plan ?? pick(PLANS), userId: body.userId ?? shortId("user") }).emit();
  return Response.json(check, { status: check.outcome === "success" ? 201 : 422 });
}

/**
 * POST /capsules/:id/publish: `publish`, the entry's `safety_verdict`, then the artifact build as
 * `artifact_compile_queued`, `artifact_compile` and `artifact_compile_success|failed`
 * (`simulate: "fail"` makes the build fail).
 */
export async function publishCapsule(
  capsuleId: string,
  body: UploadBody,
  correlation: Correlation,
  simulate?: Simulate,
): Promise<Response> {
  const plan = body.plan ?? pick(PLANS);
  const userId = body.userId ?? shortId("user");
  const check = checkUpload(body);
  new WideEvent("publish", correlation, { ...check, plan, userId, capsuleId }).emit();
  if (check.outcome !== "success") return Response.json(check, { status: 422 });

  const verdict = await judge(body.source ?? "", body.files?.[0]?.path ?? "index.html", correlation);
  if (verdict === "block") return Response.json({ ...check, verdict }, { status: 451 });

  const artifactId = shortId("art");
  const runtimeType = body.runtimeType ?? pick(RUNTIMES);
  new WideEvent("artifact_compile_queued", correlation, { artifactId, runtimeType, capsuleId }).emit();
  const compile = new WideEvent("artifact_compile", correlation, { artifactId, runtimeType, capsuleId });
  const failed = simulate === "fail" || chance(runtimeType === "python" ? 0.15 : 0.06);
  compile
    .set({
      outcome: failed ? "failed" : "success",
      errorCode: failed ? pick(["syntax_error", "missing_dependency", "bundle_too_large"]) : "",
      bundleSizeBytes: Math.round(check.totalSizeBytes * (0.4 + Math.random() * 0.5)),
      elapsedMs: latency(runtimeType === "python" ? 2400 : 900),
      warningCount: check.warningCount,
    })
    .emit();
  new WideEvent(failed ? "artifact_compile_failed" : "artifact_compile_success", correlation, {
    artifactId,
    runtimeType,
    capsuleId,
  }).emit();
  return Response.json({ ...check, verdict, artifactId, compiled: !failed }, { status: failed ? 500 : 201 });
}

const RISKY_PATTERNS: { pattern: RegExp; tag: string; reason: string; risk: "medium" | "high" }[] = [
  { pattern: /\beval\s*\(/, tag: "eval", reason: "dynamic code evaluation", risk: "high" },
  { pattern: /document\.cookie/, tag: "cookies", reason: "reads cookies", risk: "high" },
  { pattern: /\bfetch\s*\(/, tag: "network", reason: "makes network requests", risk: "medium" },
  { pattern: /localStorage/, tag: "storage", reason: "uses local storage", risk: "medium" },
];

/** A static scan of the entry file: one `safety_verdict`, blocking code that reads cookies or evals. */
async function judge(source: string, entryPath: string, correlation: Correlation): Promise<"allow" | "block"> {
  const hits = RISKY_PATTERNS.filter((p) => p.pattern.test(source));
  const riskLevel = hits.some((h) => h.risk === "high") ? "high" : hits.length > 0 ? "medium" : "low";
  const decision = riskLevel === "high" ? "block" : "allow";
  new WideEvent("safety_verdict", correlation, {
    entryPath,
    riskLevel,
    decision,
    tags: hits.map((h) => h.tag),
    reasons: hits.map((h) => h.reason),
    codeHash: await sha256Hex(source),
    sourceBytes: source.length,
  }).emit();
  return decision;
}
