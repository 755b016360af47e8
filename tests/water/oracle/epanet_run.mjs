// EPANET 2.2 itself (the epanet-js build of the OWA toolkit, in WebAssembly) on a network file: the oracle that
// citytwin's hydraulic solver is checked and timed against.
//
//   node epanet_run.mjs NET.inp [--csv DIR] [--repeat N]
//
// With --csv, writes DIR/heads.csv, DIR/pressures.csv and DIR/flows.csv: a time_s column, then one column per
// node or link ID in EPANET's order, one row per report time, in the file's units, six decimals. Prints one JSON
// line: the engine, the counts, the hydraulic steps and the median wall time of the hydraulic run alone.
// Exit codes: 0 solved, 2 a file EPANET refuses or bad arguments, 3 epanet-js missing.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

function usage(message) {
  process.stderr.write(`epanet_run: ${message}\nusage: node epanet_run.mjs NET.inp [--csv DIR] [--repeat N]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let inp = null, csvDir = null, repeat = 1;
for (let i = 0; i < args.length; ++i) {
  if (args[i] === "--csv") csvDir = args[++i];
  else if (args[i] === "--repeat") repeat = Number(args[++i]);
  else if (!inp) inp = args[i];
  else usage(`unexpected argument '${args[i]}'`);
}
if (!inp) usage("no network file");
if (!Number.isInteger(repeat) || repeat < 1) usage("--repeat takes a positive whole number");

let epanet, engine;
try {
  epanet = await import("epanet-js");
  engine = (await import("epanet-js/engines/v2.2")).EpanetEngine;
} catch (e) {
  process.stderr.write("epanet_run: epanet-js is not installed; run 'npm ci --prefix tests/water/oracle'\n");
  process.exit(3);
}
const { Project, Workspace, CountType, NodeProperty, LinkProperty, TimeParameter, InitHydOption } = epanet;

// The engine's WebAssembly is handed over as bytes: Node's fetch does not read file: URLs.
const engineDir = path.dirname(createRequire(import.meta.url).resolve("epanet-js/engines/v2.2"));
const wasm = fs.readFileSync(path.join(engineDir, "EpanetEngine.wasm"));
const ws = new Workspace();
await ws.loadModuleVersion(() => engine({ wasmBinary: wasm }));
let text;
try {
  text = fs.readFileSync(inp);
} catch (e) {
  usage(`${inp}: cannot read (${e.code})`);
}
ws.writeFile("net.inp", text);

function open() {
  const p = new Project(ws);
  try {
    p.open("net.inp", "report.rpt", "");
  } catch (e) {
    process.stderr.write(`epanet_run: ${inp}: EPANET refuses the file: ${e.message}\n`);
    process.exit(2);
  }
  return p;
}

// One hydraulic run, recording the report times when `record` is given; returns the number of solutions.
function run(p, record) {
  p.openH();
  p.initH(InitHydOption.NoSave);
  const rstep = p.getTimeParameter(TimeParameter.ReportStep);
  const rstart = p.getTimeParameter(TimeParameter.ReportStart);
  const duration = p.getTimeParameter(TimeParameter.Duration);
  let steps = 0, tstep = 0;
  do {
    const t = p.runH();
    ++steps;
    if (process.env.EPANET_RUN_STEPS) process.stderr.write(`t=${t}\n`);
    if (record && t >= rstart && t <= duration && (t - rstart) % rstep === 0) record(t);
    tstep = p.nextH();
  } while (tstep > 0);
  p.closeH();
  return steps;
}

const p = open();
const nodes = p.getCount(CountType.NodeCount), links = p.getCount(CountType.LinkCount);
const nodeIds = [], linkIds = [];
for (let i = 1; i <= nodes; ++i) nodeIds.push(p.getNodeId(i));
for (let k = 1; k <= links; ++k) linkIds.push(p.getLinkId(k));

// Timing: the hydraulic run alone, the median of `repeat`.
const times = [];
let steps = 0;
for (let r = 0; r < repeat; ++r) {
  const start = process.hrtime.bigint();
  steps = run(p);
  times.push(Number(process.hrtime.bigint() - start) / 1e9);
}
times.sort((a, b) => a - b);
const median = times[Math.floor((times.length - 1) / 2)];

let reports = 0;
if (csvDir) {
  fs.mkdirSync(csvDir, { recursive: true });
  const tables = { heads: [["time_s", ...nodeIds].join(",")], pressures: [["time_s", ...nodeIds].join(",")],
                   flows: [["time_s", ...linkIds].join(",")] };
  run(p, (t) => {
    const h = [t], pr = [t], q = [t];
    for (let i = 1; i <= nodes; ++i) {
      h.push(p.getNodeValue(i, NodeProperty.Head).toFixed(6));
      pr.push(p.getNodeValue(i, NodeProperty.Pressure).toFixed(6));
    }
    for (let k = 1; k <= links; ++k) q.push(p.getLinkValue(k, LinkProperty.Flow).toFixed(6));
    tables.heads.push(h.join(","));
    tables.pressures.push(pr.join(","));
    tables.flows.push(q.join(","));
    ++reports;
  });
  for (const [name, rows] of Object.entries(tables)) {
    const file = path.join(csvDir, `${name}.csv`);
    fs.writeFileSync(file + ".partial", rows.join("\n") + "\n");
    fs.renameSync(file + ".partial", file);
  }
}
p.close();
console.log(JSON.stringify({ engine: `epanet-js 0.9.0 (EPANET ${ws.version})`, file: inp, nodes, links,
                             hydraulic_steps: steps, report_steps: reports, hydraulic_s: median, repeat }));
