/** The Hub's package name and version, read once from package.json (static metadata). */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const manifest: unknown = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"))
const field = (key: string): string =>
  typeof manifest === "object" && manifest !== null && key in manifest
    ? String((manifest as Record<string, unknown>)[key])
    : "unknown"

export const PACKAGE = { name: field("name"), version: field("version") } as const
