/**
 * What `dlpack invoke` prints on stdout: the response as the platform hands it back — Lambda's
 * invoke payload (with `FunctionError: Unhandled` above it for a function error), or the HTTP
 * response (status line, headers, body) of the HTTP platforms. The handler's logs and the REPORT
 * line go to stderr (as `sam local invoke` does), so stdout pipes into jq.
 */
import type { InvokeResponse } from '../../sim/invoke.js';

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed',
  413: 'Payload Too Large', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function renderInvokeResponse(r: InvokeResponse): string {
  if (r.kind === 'lambda') return r.functionError ? `FunctionError: ${r.functionError}\n${r.payload}` : r.payload;
  const lines = [`HTTP/1.1 ${r.status} ${REASONS[r.status] ?? ''}`.trimEnd()];
  for (const [name, value] of Object.entries(r.headers)) for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  lines.push('', r.bodyEncoding === 'base64' ? `(${Buffer.from(r.body, 'base64').length} bytes of binary data; --json has them in base64)` : r.body);
  return lines.join('\n');
}
