// The bench-only routes served by bench/lib/auth-hub-server.ts, shared with bench/auth.ts.

/** Behind the Hub's `Authentication` middleware, admin policy; answers {"status":"ok"}. */
export const AUTHENTICATED_PATH = "/bench/authenticated";
/** The same endpoint without the middleware; same body. */
export const PUBLIC_PATH = "/bench/public";
/** Public: {"keyCacheSeconds":<API_KEY_CACHE_SECONDS in force in the server>}. */
export const SETTINGS_PATH = "/bench/settings";
/** Public: the server's process.cpuUsage() so far, {"userMicros":…,"systemMicros":…}. */
export const CPU_PATH = "/bench/cpu";
