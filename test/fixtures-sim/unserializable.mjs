// A result JSON cannot hold: a BigInt, or (event.kind === 'circular') a cycle.
export const handler = async (event) => {
  if (event?.kind === 'circular') {
    const o = { name: 'loop' };
    o.self = o;
    return o;
  }
  return { n: 1n };
};
