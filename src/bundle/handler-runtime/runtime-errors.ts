/**
 * Runtime failures in plain words (inside the bundle). onnxruntime reports a shape the model
 * declares but cannot compute (a Reshape that does not divide, a MatMul whose inner sizes differ)
 * as "Non-zero status code returned while running Reshape node. Name:'…' Status Message:
 * /onnxruntime_src/…/reshape_helper.h:84 onnxruntime::ReshapeHelper::ReshapeHelper(…) size != 0
 * && … was false. The input tensor cannot be reshaped …"; TF.js as "Error in matMul: inner shapes
 * … must match". Such a failure is the request's (400) and is answered with the runtime's own
 * sentence, the node it happened in and the input shapes sent — no source paths, C++ signatures
 * or assertion text. Any other failure stays a 500, cleaned the same way.
 */
import type { Tensor } from './model-session.js';

const SHAPE_WORDS = /\bshapes?\b|dimension|\bdims?\b|\brank\b|broadcast|reshape|incompatible|size mismatch|inner shapes|should have \d+ values/i;

/** The readable part of a runtime error message, on one line. */
export function plainRuntimeMessage(message: string): string {
  const node = message.match(/running (\w+) node\. Name:'([^']*)'/);
  let text = message;
  const status = text.match(/(?:Status Message|ERROR_MESSAGE):\s*([\s\S]*)$/);
  if (status) text = status[1];
  text = text
    .replace(/\S*(?:onnxruntime|\/_work\/)\S*\.(?:h|cc|cpp):\d+\s*/g, '') // source file and line
    .replace(/(?:[\w]+::)+[\w~]+\([^()]*\)\s*(?:const\s*)?/g, '') // C++ function signature
    .replace(/^[^.]*? was false\.\s*/, '') // the failed assertion
    .replace(/\s+/g, ' ')
    .trim();
  const where = node ? `${node[1]} node "${node[2].slice(0, 80)}": ` : '';
  return `${where}${text || message.split('\n')[0]}`.slice(0, 400);
}

export function isShapeError(message: string): boolean {
  return SHAPE_WORDS.test(message);
}

/** "x [3], y [1, 2]": the shapes a request sent, for the message. */
export function describeFeeds(feeds: Record<string, Tensor>): string {
  return Object.entries(feeds)
    .map(([name, t]) => `${name.slice(0, 80)} [${t.dims.join(', ')}]`)
    .join(', ');
}
