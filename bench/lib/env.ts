// Reading numeric benchmark knobs from the environment.

/** A positive number from `process.env[name]`, or `fallback` when unset/empty. Throws on garbage. */
export const positiveNumberFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number of seconds, got ${JSON.stringify(raw)}`);
  }
  return value;
};

/** True when `process.env[name]` is set to 1/true/yes. */
export const flagFromEnv = (name: string): boolean => {
  const raw = process.env[name]?.trim().toLowerCase();
  return raw === "1" || raw === "true" || raw === "yes";
};
