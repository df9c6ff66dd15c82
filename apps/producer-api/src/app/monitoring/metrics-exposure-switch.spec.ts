import { MetricsExposureSwitch, MonitoringOffAtStartError } from './metrics-exposure-switch';

describe('MetricsExposureSwitch', () => {
  it('starts exposed when metrics are recorded, and each toggle flips it', () => {
    const exposure = new MetricsExposureSwitch(true);
    expect(exposure.isExposed()).toBe(true);
    expect(exposure.toggle()).toBe(false);
    expect(exposure.isExposed()).toBe(false);
    expect(exposure.toggle()).toBe(true);
    expect(exposure.isExposed()).toBe(true);
  });

  it('refuses to expose what a process started with MONITORING_ENABLED=false never recorded', () => {
    const exposure = new MetricsExposureSwitch(false);
    expect(exposure.isExposed()).toBe(false);
    expect(() => exposure.toggle()).toThrow(MonitoringOffAtStartError);
    expect(exposure.isExposed()).toBe(false);
  });
});
