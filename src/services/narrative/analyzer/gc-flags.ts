/**
 * V8's allocation-site pretenuring, turned off for the process before the lexicons compile
 * (imported first by lexicon/index.ts, so in every thread that loads the analyzer).
 *
 * Why: every object the analyzer makes per text dies with the text, yet in one start in three to
 * six (worker or main thread) V8 marked a dozen allocation sites "tenured" (a scavenge had seen all
 * their objects survive, e.g. while the lexicons were being built) and from then on allocated those
 * objects straight into the old generation. Old objects pointing at young ones keep them alive
 * through every scavenge (11 of every 16 MB survived) until a full mark-compact, which comes back
 * every second: that start stays at 70-100 µs per corpus text with 20 ms of scavenging per 1,000
 * texts, against 25-35 µs and 1 ms (--trace-gc, --trace-pretenuring-statistics). With the flag, none
 * of 24 starts showed it. V8 flags are process-wide; the rest of the Hub makes short-lived request
 * objects and does not rely on pretenuring.
 */
import { setFlagsFromString } from "node:v8"

// Before any load-time allocation: a site decided "tenured" keeps that decision.
setFlagsFromString("--no-allocation-site-pretenuring")
