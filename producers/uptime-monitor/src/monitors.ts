/** The monitors this example checks, and how each behaves in each region. */
export interface Monitor {
  id: string;
  orgId: string;
  url: string;
  /** Typical answer time in milliseconds. */
  typicalMs: number;
  /** Probability that a check from a region gets no answer; regions not listed use `default`. */
  downRate: Record<string, number> & { default: number };
  /** Answers slower than this count as degraded. */
  degradedAboveMs: number;
}

export const REGIONS = ["wnam", "enam", "weur", "apac"] as const;

export const MONITORS: readonly Monitor[] = [
  {
    id: "mon_checkout_api",
    orgId: "org_acme",
    url: "https://api.acme.example/checkout/health",
    typicalMs: 120,
    downRate: { default: 0.01 },
    degradedAboveMs: 800,
  },
  {
    id: "mon_marketing_site",
    orgId: "org_acme",
    url: "https://www.acme.example/",
    typicalMs: 260,
    downRate: { default: 0.005 },
    degradedAboveMs: 1500,
  },
  // Flaky from Asia-Pacific: its origin sits in one US region behind a congested link.
  {
    id: "mon_search",
    orgId: "org_globex",
    url: "https://search.globex.example/ping",
    typicalMs: 180,
    downRate: { default: 0.02, apac: 0.25 },
    degradedAboveMs: 900,
  },
  // Down more often than not: a host being decommissioned that nobody removed from monitoring.
  {
    id: "mon_legacy_ftp_gateway",
    orgId: "org_globex",
    url: "https://legacy.globex.example/status",
    typicalMs: 900,
    downRate: { default: 0.6 },
    degradedAboveMs: 2000,
  },
];
