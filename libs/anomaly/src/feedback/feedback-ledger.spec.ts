import { FeedbackLedger } from './feedback-ledger';

describe('FeedbackLedger', () => {
  const voltage = { instanceId: 'rover-1', anomalyType: 'power_fault', channel: 'voltage' };
  const thermal = { instanceId: 'rover-1', anomalyType: 'thermal_fault', channel: 'temperature' };

  it('reports precision over labelled anomalies, null before any label', () => {
    const ledger = new FeedbackLedger(0.05, 1.5);
    expect(ledger.accuracy()).toBeNull();
    ledger.record(voltage, 'true_positive');
    ledger.record(voltage, 'true_positive');
    ledger.record(thermal, 'false_positive');
    expect(ledger.accuracy()).toBeCloseTo(2 / 3);
    expect(ledger.analytics()).toMatchObject({
      labelled: 3,
      true_positives: 2,
      false_positives: 1,
      by_type: { power_fault: { true_positive: 2, false_positive: 0 }, thermal_fault: { true_positive: 0, false_positive: 1, false_positive_ratio: 1 } },
    });
  });

  it('replaces a previous verdict instead of counting it twice', () => {
    const ledger = new FeedbackLedger(0.05, 1.5);
    ledger.record(voltage, 'false_positive');
    ledger.record(voltage, 'true_positive', 'false_positive');
    expect(ledger.analytics()).toMatchObject({ labelled: 1, true_positives: 1, false_positives: 0 });
  });

  it('raises the bar of a channel whose false positives outnumber its true positives, up to the cap', () => {
    const ledger = new FeedbackLedger(0.1, 1.3);
    expect(ledger.thresholdMultiplier('rover-1', 'voltage')).toBe(1);
    ledger.record(voltage, 'false_positive');
    ledger.record(voltage, 'false_positive');
    expect(ledger.thresholdMultiplier('rover-1', 'voltage')).toBeCloseTo(1.2);
    ledger.record(voltage, 'true_positive');
    expect(ledger.thresholdMultiplier('rover-1', 'voltage')).toBeCloseTo(1.1);
    for (let i = 0; i < 10; i++) ledger.record(voltage, 'false_positive');
    expect(ledger.thresholdMultiplier('rover-1', 'voltage')).toBeCloseTo(1.3);
    expect(ledger.thresholdMultiplier('rover-2', 'voltage')).toBe(1);
    expect(ledger.analytics().raised_bars).toEqual([
      { instance_id: 'rover-1', channel: 'voltage', false_positives: 12, true_positives: 1, threshold_multiplier: 1.3 },
    ]);
  });
});
