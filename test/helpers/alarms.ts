import { runInDurableObject } from "cloudflare:test";
import type { TailCollector } from "../../collector-do/tail-collector";
import type { WireEvent } from "../../schemas/collector-rpc";

/** The alarm the collector has set, or null. */
export function scheduledAlarm(stub: DurableObjectStub<TailCollector>): Promise<number | null> {
  return runInDurableObject(stub, (_instance: TailCollector, state) => state.storage.getAlarm());
}

/**
 * Ingests a batch, reads the alarm that ingest set, then runs that alarm — all in one turn of the
 * object. An alarm set in the past fires by itself within moments in workerd; doing this in one
 * turn (as runDurableObjectAlarm does: read, delete, call alarm()) keeps the runtime from firing it
 * concurrently, so the test knows which code wrote what.
 */
export function ingestThenRunAlarm(
  stub: DurableObjectStub<TailCollector>,
  events: WireEvent[],
): Promise<{ alarmAt: number | null; answeredAt: number }> {
  return runInDurableObject(stub, async (instance: TailCollector, state) => {
    await instance.ingest({ events });
    const answeredAt = Date.now();
    const alarmAt = await state.storage.getAlarm();
    if (alarmAt !== null) {
      await state.storage.deleteAlarm();
      await instance.alarm();
    }
    return { alarmAt, answeredAt };
  });
}
