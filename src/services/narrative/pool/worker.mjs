// Node 20 cannot start a worker from a .ts file, even with `--import tsx` in execArgv: this shim
// registers tsx in the worker thread, then loads the TypeScript entry.
import { register } from "tsx/esm/api"

register()
await import("./worker.ts")
