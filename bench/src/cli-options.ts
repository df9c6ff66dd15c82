export const SECTIONS = ['ceilings', 'intake', 'drain', 'e2e', 'memory', 'overhead', 'tracking', 'scale', 'breadth'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  readonly quick: boolean;
  readonly sections: ReadonlySet<Section>;
  /** Write V8 CPU profiles of producer-api (intake) and the processors (drain). */
  readonly cpuProfile: boolean;
}

export const USAGE = `npm run bench -- [--quick] [--only <section>[,<section>...]] [--cpu-prof]

Sections: ${SECTIONS.join(', ')} (default: all). A section runs the ceilings it is compared with.
  --quick      short runs (3 s of HTTP load, 5,000 drained orders, a backlog of 20,000, one generated type):
               a smoke test, not a measurement
  --only       run only these sections ('memory' runs intake, drain and e2e, whose processes it samples)
  --cpu-prof   write .cpuprofile files of the apps under load to bench/results/profiles/
`;

function isSection(name: string): name is Section {
  return (SECTIONS as readonly string[]).includes(name);
}

export function parseOptions(args: readonly string[]): BenchOptions | 'help' {
  let quick = false;
  let cpuProfile = false;
  let only: Section[] | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--quick') quick = true;
    else if (arg === '--cpu-prof') cpuProfile = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? args[++index] : arg.slice('--only='.length);
      const names = (value ?? '').split(',').filter(Boolean);
      const unknown = names.filter((name) => !isSection(name));
      if (names.length === 0 || unknown.length > 0) throw new Error(`--only takes sections among ${SECTIONS.join(', ')}; got ${value ?? 'nothing'}`);
      only = [...(only ?? []), ...(names as Section[])];
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return { quick, cpuProfile, sections: new Set(only ?? SECTIONS) };
}

/** What has to run for the chosen sections: memory is read from the intake, drain and end-to-end processes. */
export function sectionsToRun(chosen: ReadonlySet<Section>): Set<Section> {
  const toRun = new Set(chosen);
  if (chosen.has('memory')) {
    toRun.add('intake');
    toRun.add('drain');
    toRun.add('e2e');
  }
  return toRun;
}
