/** Retention metrics (exported through OpenTelemetry with the rest). */
import { Metric } from "effect"
import { counterFamily } from "../../monitoring/metric-family.js"
import type { RetentionTable } from "./rules.js"

/** By table; exported as `phoenix_gdpr_retention_rows_total` (the exporter adds `_total`). */
export const retentionRows: (tags: { readonly table: RetentionTable }) => Metric.Metric.Counter<number> = counterFamily(
  "phoenix_gdpr_retention_rows",
  "Rows the GDPR retention deleted or anonymised, by table"
)

export const retentionLastRunSeconds = Metric.gauge("phoenix_gdpr_retention_last_run_seconds", {
  description: "Unix time (seconds) of the last successful GDPR retention run"
})

/** 1 when the last retention pass failed, 0 once one succeeds (read by the `gdpr_job_failed` alert). */
export const gdprJobFailed = Metric.gauge("phoenix_gdpr_job_failed", {
  description: "1 when the last GDPR retention pass failed, else 0"
})
