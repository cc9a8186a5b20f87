// Starts ~80 ms of synchronous CPU work at module scope without awaiting or exporting it, the way
// `loadModel().catch(() => {})` around onnxruntime-node's InferenceSession.create (native work
// scheduled by setImmediate) does: it runs on the main thread after INIT is reported, before the
// first event is handled. With `event.awaitLoad` the handler also awaits it.
import { spinCpu } from './cpu-spin.mjs';

const loaded = new Promise((resolve) => setImmediate(() => resolve(spinCpu(80))));
loaded.catch(() => {});

export const handler = async (event) => {
  if (event?.awaitLoad) await loaded;
  return { statusCode: 200, body: '{}' };
};
