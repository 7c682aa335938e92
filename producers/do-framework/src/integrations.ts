import { between, latency, pick, shortId } from "../../lib/random";
import type { Correlation } from "../../lib/wide-event";
import { reportFramework } from "./framework-events";

/** Money, messages and calls the framework's integrations report; nothing is actually sent. */
export interface IntegrationBody {
  amount?: number;
  currency?: string;
  channel?: string;
  to?: string;
  seconds?: number;
}

const CURRENCIES = ["usd", "eur", "gbp", "jpy"] as const;

export function payment(body: IntegrationBody, correlation: Correlation, kind: "payment" | "transfer"): Response {
  const fields = {
    id: shortId(kind === "payment" ? "pay" : "tr"),
    amount: typeof body.amount === "number" ? body.amount : between(100, 250_00) / 100,
    currency: body.currency ?? pick(CURRENCIES),
    duration: latency(350),
  };
  reportFramework(kind === "payment" ? "Financial.Payment.completed" : "Financial.Transfer.completed", correlation, fields);
  return Response.json(fields, { status: 201 });
}

export function notify(body: IntegrationBody, correlation: Correlation): Response {
  const channel = body.channel ?? pick(["email", "slack", "sms"]);
  const to = body.to ?? `user-${between(1, 500)}`;
  const duration = latency(200);
  if (channel === "email") reportFramework("Communication.Email.sent", correlation, { to, channel, duration });
  else if (channel === "slack")
    reportFramework("Communication.Slack.posted", correlation, { to, channel: `#${pick(["alerts", "support", "ops"])}`, duration });
  else if (channel === "sms") reportFramework("Communication.SMS.sent", correlation, { to, channel, duration });
  else return Response.json({ error: "channel must be email, slack or sms" }, { status: 400 });
  return Response.json({ sent: true, channel });
}

/** A call is reported twice: when it starts and, with its length, when it ends. */
export function call(body: IntegrationBody, correlation: Correlation): Response {
  const callId = shortId("call");
  const to = body.to ?? `+1555${between(1_000_000, 9_999_999)}`;
  reportFramework("Telephony.Call.started", correlation, { callId, to });
  const seconds = typeof body.seconds === "number" ? body.seconds : between(5, 600);
  reportFramework("Telephony.Call.ended", correlation, { callId, to, duration: seconds * 1000 });
  return Response.json({ callId, seconds });
}
