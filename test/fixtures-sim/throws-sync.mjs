export function handler() {
  throw new RangeError('thrown synchronously on purpose');
}
