// EPANET 2.2 itself (the epanet-js build of the OWA toolkit, in WebAssembly) on a network file: the oracle that
// citytwin's hydraulic solver is checked and timed against.
//
//   node epanet_run.mjs NET.inp [--csv DIR] [--repeat N] [--engine VERSION]
//
// With --csv, writes DIR/heads.csv, DIR/pressures.csv and DIR/flows.csv: a time_s column, then one column per
// node or link ID in EPANET's index order, one row per report time (t >= report start, t - report start a multiple
// of the report step), in the file's units as EPANET reports them, formatted as C's "%.6f". Prints one JSON line:
// the engine, the counts, the hydraulic steps (runH calls), the report times and the median wall time of the
// hydraulic run alone (openH to closeH) over --repeat runs. --engine picks another of epanet-js's builds (v2.3,
// v2.3.5, ...); the default is v2.2.
// Exit codes: 0 solved, 2 a file EPANET refuses or cannot solve, or bad arguments, 3 epanet-js missing.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const USAGE = "usage: node epanet_run.mjs NET.inp [--csv DIR] [--repeat N] [--engine VERSION]";

function fail(code, message) {
  process.stderr.write(`epanet_run: ${message}\n`);
  process.exit(code);
}

function usage(message) {
  fail(2, `${message}\n${USAGE}`);
}

const args = process.argv.slice(2);
let inp = null, csvDir = null, repeat = 1, engineName = "v2.2";
for (let i = 0; i < args.length; ++i) {
  const a = args[i];
  const value = () => (i + 1 < args.length ? args[++i] : usage(`${a} needs a value`));
  if (a === "--csv") csvDir = value();
  else if (a === "--repeat") repeat = Number(value());
  else if (a === "--engine") engineName = value();
  else if (a === "-h" || a === "--help") {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  } else if (a.startsWith("--")) usage(`unknown option '${a}'`);
  else if (!inp) inp = a;
  else usage(`unexpected argument '${a}'`);
}
if (!inp) usage("no network file");
if (!Number.isInteger(repeat) || repeat < 1) usage("--repeat takes a positive whole number");
if (!/^(v\d+\.\d+(\.\d+)?|master|dev)$/.test(engineName)) usage(`unknown engine '${engineName}'`);

// epanet-js is an ES module, resolved from this file's folder (tests/water/oracle/node_modules), whatever the
// working directory.
let epanet;
try {
  epanet = await import("epanet-js");
} catch (e) {
  if (e.code === "ERR_MODULE_NOT_FOUND")
    fail(3, "epanet-js is not installed; from the project root run: npm ci --prefix tests/water/oracle --no-audit --no-fund");
  fail(3, `epanet-js cannot be loaded (${e.message}); reinstall it: npm ci --prefix tests/water/oracle --no-audit --no-fund`);
}
let engine;
try {
  engine = (await import(`epanet-js/engines/${engineName}`)).EpanetEngine;
} catch (e) {
  usage(`epanet-js has no engine '${engineName}' (${e.code || e.message})`);
}
const { Project, Workspace, CountType, NodeProperty, LinkProperty, TimeParameter, InitHydOption } = epanet;

// epanet-js reports EPANET's warnings (codes below 100) through console.warn, at every step they occur: each is
// written once on stderr, with how many hydraulic steps of one run raised it.
const warnings = new Map();
let countWarnings = true;
console.warn = (...what) => {
  const text = what.join(" ");
  if (countWarnings || !warnings.has(text)) warnings.set(text, (warnings.get(text) || 0) + 1);
};

// The engine's WebAssembly is handed over as bytes: Node's fetch does not read file: URLs.
const engineDir = path.dirname(createRequire(import.meta.url).resolve(`epanet-js/engines/${engineName}`));
const packageVersion = JSON.parse(fs.readFileSync(path.join(engineDir, "..", "..", "..", "package.json"))).version;
const ws = new Workspace();
await ws.loadModuleVersion(() => engine({ wasmBinary: fs.readFileSync(path.join(engineDir, "EpanetEngine.wasm")) }));
const v = ws.version;  // 20200 for 2.2, 20305 for 2.3.5
const epanetVersion = `${Math.floor(v / 10000)}.${Math.floor(v / 100) % 100}` + (v % 100 ? `.${v % 100}` : "");

let text;
try {
  text = fs.readFileSync(inp);
} catch (e) {
  usage(`${inp}: cannot read (${e.code})`);
}
ws.writeFile("net.inp", text);

// An EPANET error's code and text, from the toolkit's exception ("EPANET Error 200: Error 200: ...").
function epanetError(e) {
  const m = /EPANET Error (\d+)/.exec(e.message);
  return m ? ws.getError(Number(m[1])) : e.message;
}

const p = new Project(ws);
try {
  p.open("net.inp", "report.rpt", "");
} catch (e) {
  // EPANET lists each input error (code, text, offending line) in its report, written out when it closes.
  try {
    p.close();
  } catch (ignored) {}
  let details = [];
  try {
    const report = ws.readFile("report.rpt").split("\n");
    for (let i = 0; i < report.length; ++i) {
      if (!/^\s*Error \d+:/.test(report[i]) || /^\s*Error 200:/.test(report[i])) continue;
      details.push(report[i].trim().replace(/\s+/g, " "));
      if (i + 1 < report.length && report[i + 1].trim() && !/^\s*Error \d+:/.test(report[i + 1]))
        details.push("  " + report[++i].trim().replace(/\s+/g, " "));
    }
  } catch (ignored) {}
  fail(2, [`${inp}: EPANET refuses the file: ${epanetError(e)}`, ...details.map((d) => "  " + d)].join("\n"));
}

const nodes = p.getCount(CountType.NodeCount), links = p.getCount(CountType.LinkCount);
const nodeIds = [], linkIds = [];
for (let i = 1; i <= nodes; ++i) nodeIds.push(p.getNodeId(i));
for (let k = 1; k <= links; ++k) linkIds.push(p.getLinkId(k));

// One hydraulic run (openH, initH, the runH/nextH loop, closeH); `record(t)` is called at each report time.
// Returns the number of runH calls and of report times.
function run(record) {
  let steps = 0, reports = 0;
  try {
    p.openH();
    p.initH(InitHydOption.NoSave);
    const rstep = p.getTimeParameter(TimeParameter.ReportStep);
    const rstart = p.getTimeParameter(TimeParameter.ReportStart);
    let tstep;
    do {
      const t = p.runH();
      ++steps;
      if (process.env.EPANET_RUN_STEPS) process.stderr.write(`t=${t}\n`);
      if (t >= rstart && (t - rstart) % rstep === 0) {
        ++reports;
        if (record) record(t);
      }
      tstep = p.nextH();
    } while (tstep > 0);
    p.closeH();
  } catch (e) {
    fail(2, `${inp}: EPANET cannot solve the hydraulics: ${epanetError(e)}`);
  }
  return { steps, reports };
}

// C's "%.6f": toFixed(6) rounds an exact tie away from zero where printf rounds it to even, and drops the sign
// of -0.
function fixed6(x) {
  if (Object.is(x, -0)) return "-0.000000";
  const a = Math.abs(x);
  if (a >= 5e-7 && a < 1e15) {
    const exact = a.toFixed(100);
    const dot = exact.indexOf(".");
    if (/^50*$/.test(exact.slice(dot + 7)) && Number(exact[dot + 6]) % 2 === 0)
      return (x < 0 ? "-" : "") + exact.slice(0, dot + 7);
  }
  return x.toFixed(6);
}

// Timing: the hydraulic run alone, the median of `repeat`.
const times = [];
let counts;
for (let r = 0; r < repeat; ++r) {
  const start = process.hrtime.bigint();
  counts = run(null);
  times.push(Number(process.hrtime.bigint() - start) / 1e9);
  countWarnings = false;
}
times.sort((a, b) => a - b);
const mid = Math.floor(times.length / 2);
const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;

if (csvDir) {
  const tables = { heads: [["time_s", ...nodeIds].join(",")], pressures: [["time_s", ...nodeIds].join(",")],
                   flows: [["time_s", ...linkIds].join(",")] };
  run((t) => {
    const h = [t], pr = [t], q = [t];
    for (let i = 1; i <= nodes; ++i) {
      h.push(fixed6(p.getNodeValue(i, NodeProperty.Head)));
      pr.push(fixed6(p.getNodeValue(i, NodeProperty.Pressure)));
    }
    for (let k = 1; k <= links; ++k) q.push(fixed6(p.getLinkValue(k, LinkProperty.Flow)));
    tables.heads.push(h.join(","));
    tables.pressures.push(pr.join(","));
    tables.flows.push(q.join(","));
  });
  fs.mkdirSync(csvDir, { recursive: true });
  for (const [name, rows] of Object.entries(tables)) {
    const file = path.join(csvDir, `${name}.csv`);
    fs.writeFileSync(file + ".partial", rows.join("\n") + "\n");
    fs.renameSync(file + ".partial", file);
  }
}
p.close();
for (const [text, n] of warnings) process.stderr.write(`epanet_run: ${text} (${n} time${n === 1 ? "" : "s"})\n`);
console.log(JSON.stringify({ engine: `epanet-js ${packageVersion} (EPANET ${epanetVersion})`, file: inp, nodes, links,
                             hydraulic_steps: counts.steps, report_steps: counts.reports, hydraulic_s: median,
                             repeat }));
