/** The narrative pool's metrics: where work ran, and how often the pool failed. */
import { counterFamily } from "../../monitoring/metric-family.js"
import type { MainThreadReason } from "./NarrativePool.js"

const mainThread = counterFamily(
  "phoenix_narrative_main_thread",
  "Narrative analyses run on the main thread (whole calls or pool chunks), by reason: small, disabled, starting, down, failed, invalid_input"
)

export const mainThreadByReason: Readonly<Record<MainThreadReason, ReturnType<typeof mainThread>>> = {
  small: mainThread({ reason: "small" }),
  disabled: mainThread({ reason: "disabled" }),
  starting: mainThread({ reason: "starting" }),
  down: mainThread({ reason: "down" }),
  failed: mainThread({ reason: "failed" }),
  invalid_input: mainThread({ reason: "invalid_input" })
}

export const pooledChunks = counterFamily("phoenix_narrative_pool_chunks", "Chunks of narrative inputs analysed by a worker")({})

export const poolOutages = counterFamily(
  "phoenix_narrative_pool_outages",
  "Times the narrative worker pool went down (failed to start, a worker failed or timed out); calls then run on the main thread"
)({})
