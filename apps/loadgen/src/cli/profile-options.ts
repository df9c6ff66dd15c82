import { readFileSync } from 'node:fs';
import { csvReplay, Profile, ramp, sine, spike, steady, step } from '../profiles/profiles';

export function positive(name: string, raw: string | undefined, fallback: number, allowZero = false): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number; got "${raw}"`);
  return value;
}

export function oneOf<T extends string>(name: string, raw: string | undefined, values: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new Error(`--${name} must be one of ${values.join(', ')}; got "${raw}"`);
  return raw as T;
}

/** The options that shape the load, shared by a run (loadgen:run) and a plan (loadgen:plan). */
export const PROFILE_OPTIONS = {
  profile: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  multiplier: { type: 'string' },
  'spike-at': { type: 'string' },
  'spike-for': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  amplitude: { type: 'string' },
  period: { type: 'string' },
  levels: { type: 'string' },
  'step-sec': { type: 'string' },
  csv: { type: 'string' },
} as const;

export type ProfileValues = { readonly [K in keyof typeof PROFILE_OPTIONS]?: string };

/** The load shape the options describe; every bad value is an error naming its option. */
export function profileFrom(values: ProfileValues): Profile {
  const rate = positive('rate', values.rate, 30);
  const durationSec = positive('duration', values.duration, 30);
  const profileName = oneOf('profile', values.profile, ['spike', 'steady', 'ramp', 'sine', 'step', 'csv'] as const, 'spike');
  const profiles: Record<typeof profileName, () => Profile> = {
    steady: () => steady(rate, durationSec),
    spike: () =>
      spike({
        base: rate,
        multiplier: positive('multiplier', values.multiplier, 10),
        atSec: positive('spike-at', values['spike-at'], 5, true),
        lengthSec: positive('spike-for', values['spike-for'], 10),
        durationSec,
      }),
    ramp: () => ramp(positive('from', values.from, 0, true), positive('to', values.to, rate * 10), durationSec),
    sine: () => sine({ mean: rate, amplitude: positive('amplitude', values.amplitude, rate, true), periodSec: positive('period', values.period, 10), durationSec }),
    step: () =>
      step(
        (values.levels ?? `${rate},${rate * 5},${rate}`).split(',').map((level) => positive('levels', level.trim(), 0, true)),
        positive('step-sec', values['step-sec'], 10),
      ),
    csv: () => {
      if (!values.csv) throw new Error('--profile csv needs --csv FILE');
      return csvReplay(readFileSync(values.csv, 'utf8'), values.csv);
    },
  };
  return profiles[profileName]();
}
