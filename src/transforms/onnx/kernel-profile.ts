/**
 * Which kernels onnxruntime-node actually ran for a model: one profiled inference (ORT's own
 * profiler, session option enableProfiling), read back as op type → number of node runs. This is
 * how the report shows whether ORT ran DynamicQuantizeMatMul, MatMulIntegerToFloat or plain
 * float MatMul after its own graph fusions.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feeds } from '../../runtimes/runtime.js';
import { loadOrt } from '../../runtimes/onnxruntime-session.js';

interface ProfileEvent {
  cat?: string;
  name?: string;
  args?: { op_name?: string; provider?: string };
}

export async function profileKernels(modelPath: string, feeds: Feeds, threads?: number, sessionConfig?: Record<string, string>): Promise<Record<string, number>> {
  const ort = await loadOrt();
  const dir = await fs.mkdtemp(join(tmpdir(), 'dlpack-profile-'));
  try {
    const session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      enableProfiling: true,
      profileFilePrefix: join(dir, 'profile'),
      logSeverityLevel: 3,
      interOpNumThreads: 1,
      ...(threads ? { intraOpNumThreads: threads } : {}),
      ...(sessionConfig ? { extra: { ...sessionConfig } } : {}),
    });
    try {
      const ortFeeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.shape);
      await session.run(ortFeeds);
      session.endProfiling();
    } finally {
      await session.release();
    }
    const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json'));
    const counts: Record<string, number> = {};
    for (const f of files) {
      const events = JSON.parse(await fs.readFile(join(dir, f), 'utf8')) as ProfileEvent[];
      for (const e of events) {
        if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || !e.args?.op_name) continue;
        counts[e.args.op_name] = (counts[e.args.op_name] ?? 0) + 1;
      }
    }
    return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
