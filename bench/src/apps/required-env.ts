/** A setting the benchmark passes to its own apps; missing means the benchmark itself is broken. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
