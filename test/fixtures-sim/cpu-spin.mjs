/** Spins until this process has used `ms` of CPU time (user + system). */
export function spinCpu(ms) {
  const start = process.cpuUsage();
  for (;;) {
    for (let i = 0; i < 2000; i++) Math.sqrt(i);
    const u = process.cpuUsage(start);
    if ((u.user + u.system) / 1000 >= ms) return;
  }
}
