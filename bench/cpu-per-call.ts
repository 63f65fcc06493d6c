/** CPU (user + system) of this process per call in µs, `inFlight` calls at a time: for the vendor-call micro-benches. */
export async function cpuPerCall(call: () => Promise<unknown>, calls: number, inFlight: number): Promise<number> {
  const before = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < calls) await call();
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

/** The middle value (the upper one of an even count). */
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
