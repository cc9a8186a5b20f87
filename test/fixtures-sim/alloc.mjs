const kept = [];
export const handler = async (event) => {
  const mb = event.allocMb ?? 300;
  for (let i = 0; i < mb; i++) kept.push(Buffer.alloc(1024 * 1024, 1));
  const total = kept.length;
  kept.length = 0;
  return { allocatedMb: total };
};
