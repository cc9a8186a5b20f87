const cache = [];
export const handler = async () => {
  cache.push(new Array(25_000).fill(0).map((_, i) => i + cache.length));
  return { kept: cache.length };
};
