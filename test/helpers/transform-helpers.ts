/**
 * Shared helpers of the transform tests: temp folders, writing in-memory models, running a
 * rewritten model against the original in onnxruntime-node, and the python3-onnx checker tier.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAccuracyCheck } from '../../src/accuracy/accuracy-check.js';
import type { ModelProto, NodeProto } from '../../src/formats/onnx/index.js';
import { writeOnnx } from '../../src/formats/onnx/index.js';
import type { AccuracyReport } from '../../src/core/reports/schemas.js';
import { openOnnxSession } from '../../src/runtimes/onnxruntime-session.js';
import { pythonWith } from './skip.js';

export function tempDir(prefix = 'dlpack-transforms-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function save(model: ModelProto, path: string): Promise<string> {
  await writeOnnx(model, path, { externalData: 'inline' });
  return path;
}

/** Compares two model files in onnxruntime-node on generated inputs (no latency). */
export async function compare(original: string, candidate: string, shape: string[] = [], count = 3): Promise<AccuracyReport> {
  const r = await runAccuracyCheck({ original, candidate, shape, count, runs: 0 });
  return r.accuracy!;
}

export function minCosine(a: AccuracyReport): number {
  return Math.min(...a.outputs.map((o) => o.cosine));
}

/** The op types of a model's main graph and subgraphs. */
export function opTypes(model: ModelProto): string[] {
  const out: string[] = [];
  const visit = (nodes: NodeProto[] | undefined) => {
    for (const n of nodes ?? []) {
      out.push(n.domain ? `${n.domain}.${n.op_type}` : n.op_type ?? '');
      for (const a of n.attribute ?? []) for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) visit(g.node);
    }
  };
  visit(model.graph?.node);
  return out;
}

export async function inputOutputTypes(path: string): Promise<{ inputs: string[]; outputs: string[] }> {
  const s = await openOnnxSession(path);
  try {
    return { inputs: s.inputs.map((i) => i.dtype), outputs: s.outputs.map((o) => o.dtype) };
  } finally {
    await s.dispose();
  }
}

// ------------------------------------------------------------------ python3-onnx checker tier


const CHECK_SCRIPT = `
import sys, onnx
for p in sys.argv[1:]:
    try:
        onnx.checker.check_model(p, full_check=True)
        print("ok\\t" + p)
    except Exception as e:
        print("fail\\t" + p + "\\t" + str(e).replace("\\n", " ")[:400])
`;

/** Runs onnx.checker.check_model(full_check=True) on each file; returns failures ("path: why"). */
export function onnxChecker(files: string[]): string[] {
  const py = pythonWith('onnx');
  if (!py) throw new Error('python3-onnx is not installed');
  const r = spawnSync(py, ['-c', CHECK_SCRIPT, ...files], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return [`checker did not run: ${r.stderr || r.error}`];
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('fail'))
    .map((l) => l.split('\t').slice(1).join(': '));
}
