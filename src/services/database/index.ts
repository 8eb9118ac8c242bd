export { Database, type DatabaseProbe, type PoolStats } from "./Database.js"
export { classifyFailure, describeFailure, isConnectionFailure, isUniqueViolation, sqlStateOf } from "./failures.js"
export { awaitMigrated, DatabaseLive, type DatabaseLayerOptions, type DatabaseServices, makeDatabase } from "./live.js"
export { MigrationFailed, MIGRATIONS_DIRECTORY, runMigrations, runMigrationsFrom } from "./migrations.js"
