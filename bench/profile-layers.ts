// npm run -s profile:layers -- <file.cpuprofile | directory> [--from <seconds>] [--top <n>]
//
// Where a V8 CPU profile (node --cpu-prof) spent its time, by layer of the Hub's stack: each
// sample's own function (self time) is put in the first layer whose rule matches its script or name
// (below, in order). Idle time is left out of the shares. `--from` skips the profile's first seconds
// (the process's start and a warm-up); `--top` lists that many functions per layer (default 3).
// A directory means its largest .cpuprofile (a process with workers writes one per thread).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { type Column, formatTable } from "./lib/report.js";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>;
  readonly samples: ReadonlyArray<number>;
  readonly timeDeltas: ReadonlyArray<number>;
}

/** A layer and how to recognise its frames; the first match wins. */
const LAYERS: ReadonlyArray<{ readonly layer: string; readonly matches: (frame: CallFrame) => boolean }> = [
  { layer: "idle", matches: (f) => f.functionName === "(idle)" },
  { layer: "garbage collection", matches: (f) => f.functionName === "(garbage collector)" },
  { layer: "V8 / native (program)", matches: (f) => f.functionName === "(program)" },
  { layer: "module loading (startup)", matches: (f) => /node:internal\/modules|\/tsx\/|esbuild/.test(f.url) || f.functionName === "compileSourceTextModule" },
  { layer: "logging", matches: (f) => /effect\/dist\/esm\/internal\/logger|effect\/dist\/esm\/Logger|src\/services\/logging\//.test(f.url) },
  { layer: "metrics", matches: (f) => /effect\/dist\/esm\/internal\/metric|@opentelemetry\/|src\/services\/monitoring\//.test(f.url) },
  { layer: "tracing", matches: (f) => /effect\/dist\/esm\/internal\/tracer|effect\/dist\/esm\/Tracer|@effect\/opentelemetry/.test(f.url) },
  { layer: "schema decode / encode", matches: (f) => /effect\/dist\/esm\/(Schema|ParseResult|SchemaAST|internal\/schema)/.test(f.url) },
  { layer: "router (HttpRouter, HttpApi)", matches: (f) => /@effect\/platform\/dist\/esm\/(internal\/)?(httpRouter|HttpRouter|HttpApi|HttpLayerRouter|httpLayerRouter|HttpApiBuilder|find-my-way)/i.test(f.url) },
  { layer: "@effect/platform HTTP (server, request, response, middleware)", matches: (f) => /@effect\/platform(-node)?\/dist/.test(f.url) },
  { layer: "fiber runtime (effect core)", matches: (f) => /effect\/dist\/esm\//.test(f.url) },
  { layer: "node:http, sockets, streams", matches: (f) => /node:(_http|http|net|internal\/(stream|http|net|streams|js_stream|timers|process\/task_queues))/.test(f.url) || /^(writev|writeUtf8String|writeBuffer|HTTPParser|execute|onStreamRead|resume)$/.test(f.functionName) },
  { layer: "JSON", matches: (f) => f.url === "" && /^(stringify|parse)$/.test(f.functionName) },
  { layer: "the Hub's own code", matches: (f) => /\/src\//.test(f.url) },
  { layer: "other", matches: () => true },
];

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const target = args.find((arg, i) => !arg.startsWith("--") && !(i > 0 && args[i - 1]!.startsWith("--")));
if (target === undefined) {
  process.stderr.write("usage: npm run -s profile:layers -- <file.cpuprofile | directory> [--from <seconds>] [--top <n>]\n");
  process.exit(2);
}
const fromMicros = Number(option("--from") ?? 0) * 1e6;
const top = Number(option("--top") ?? 3);

const file = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((name) => name.endsWith(".cpuprofile"))
      .map((name) => path.join(target, name))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]
  : target;
if (file === undefined) {
  process.stderr.write(`no .cpuprofile in ${target}\n`);
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const layerOf = new Map<number, string>();
const byLayer = new Map<string, { micros: number; functions: Map<string, number> }>();
let elapsed = 0;
let counted = 0;
let idle = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  elapsed += delta;
  if (elapsed < fromMicros) return;
  const node = nodes.get(id)!;
  let layer = layerOf.get(id);
  if (layer === undefined) {
    layer = LAYERS.find((rule) => rule.matches(node.callFrame))!.layer;
    layerOf.set(id, layer);
  }
  if (layer === "idle") {
    idle += delta;
    return;
  }
  counted += delta;
  const entry = byLayer.get(layer) ?? { micros: 0, functions: new Map<string, number>() };
  entry.micros += delta;
  const name = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").slice(-2).join("/")}:${node.callFrame.lineNumber + 1}`;
  entry.functions.set(name, (entry.functions.get(name) ?? 0) + delta);
  byLayer.set(layer, entry);
});

interface Row {
  readonly layer: string;
  readonly micros: number;
  readonly functions: string;
}
const rows: ReadonlyArray<Row> = [...byLayer]
  .map(([layer, entry]) => ({
    layer,
    micros: entry.micros,
    functions: [...entry.functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `${name} ${((100 * micros) / counted).toFixed(1)}%`)
      .join("; "),
  }))
  .sort((a, b) => b.micros - a.micros);
const columns: ReadonlyArray<Column<Row>> = [
  { header: "layer", align: "left", cell: (r) => r.layer },
  { header: "ms", align: "right", cell: (r) => (r.micros / 1000).toFixed(0) },
  { header: "share", align: "right", cell: (r) => `${((100 * r.micros) / counted).toFixed(1)}%` },
  { header: `top functions (self, share of busy time)`, align: "left", cell: (r) => r.functions },
];
process.stdout.write(
  `${file}\nfrom ${(fromMicros / 1e6).toFixed(1)} s to ${(elapsed / 1e6).toFixed(1)} s: busy ${(counted / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms (${((100 * counted) / Math.max(1, counted + idle)).toFixed(0)}% busy)\n\n${formatTable(columns, rows)}\n`,
);
