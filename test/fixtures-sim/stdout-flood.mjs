// Prints 50 MB to stdout, then answers.
export const handler = async () => {
  const line = 'x'.repeat(1023) + '\n';
  const chunk = line.repeat(1024);
  for (let i = 0; i < 50; i++) process.stdout.write(chunk);
  return { ok: true };
};
