/**
 * Prometheus metrics from a real conversation: the real engine, store and crisis services
 * (bot-harness) report into createMetrics, and the exposition is read back as text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/ops/metrics.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { labelValues, sample } from './exposition.js';

const US = { CRISIS_DEFAULT_COUNTRY: 'US', MODERATOR_IDS: 'fake:mod1' };
const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
const PLAIN = 'Can you suggest a name for my sourdough starter?';
const SUPPORTIVE = 'I am really glad you told me. You matter, and you do not have to face this alone.';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const text = async (metrics: ReturnType<typeof createMetrics>) => (await metrics.exposition()).body;

describe('prometheus metrics', () => {
  it('counts messages by platform and level, risk, cases opened and acknowledged, deliveries and model latency', async () => {
    const metrics = createMetrics();
    h = await startHarness({ env: US, reply: () => SUPPORTIVE, metrics });
    await h.adapter.receive({ id: 'm1', text: PLAIN });
    await h.adapter.receive({ id: 'm2', text: HIGH });
    await h.adapter.receive({ id: 'm2', text: HIGH }); // redelivered
    const caseId = (await h.bot.cases.listCases({ activeOnly: true, failingAfterAttempts: 5, limit: 5 }))[0]!.id;
    expect((await h.adapter.command('case', ['ack', String(caseId)], { id: 'mod1', displayName: 'Mo', roleIds: [] })).ok).toBe(true);
    await h.bot.drainAlerts();

    const body = await text(metrics);
    expect(sample(body, 'oyster_messages_total', { platform: 'fake', level: 'none' })).toBe(1);
    expect(sample(body, 'oyster_messages_total', { platform: 'fake', level: 'high' })).toBe(1);
    expect(sample(body, 'oyster_messages_duplicate_total', { platform: 'fake' })).toBe(1);
    expect(sample(body, 'oyster_risk_assessments_total', { level: 'high', stage: 'screen' })).toBe(1);
    expect(sample(body, 'oyster_cases_opened_total', { level: 'high' })).toBe(1);
    expect(sample(body, 'oyster_resources_sent_total', { level: 'high' })).toBe(1);
    expect(sample(body, 'oyster_case_actions_total', { action: 'acknowledge', level: 'high' })).toBe(1);
    expect(sample(body, 'oyster_alert_deliveries_total', { sink: 'test-sink', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'oyster_model_latency_seconds_count', { outcome: 'ok' })).toBe(2);
    expect(sample(body, 'oyster_engine_overhead_seconds_count')).toBe(2);
    expect(sample(body, 'oyster_outbox_depth')).toBe(0);
    expect(sample(body, 'oyster_outbox_failing')).toBe(0);
    // Node process metrics come along in the same registry.
    expect(sample(body, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts model errors by code and answer-check failures by level', async () => {
    const metrics = createMetrics({ processMetrics: false });
    h = await startHarness({ env: US, reply: () => ({ status: 500 }), metrics });
    await h.adapter.receive({ text: PLAIN });
    h.model.setReply(() => 'Please call 555-0142 right now, they can help.');
    await h.adapter.receive({ text: HIGH, userId: 'u2' });

    const body = await text(metrics);
    const errors = [...body.matchAll(/^oyster_model_errors_total\{code="([A-Z_]+)"\} (\d+)$/gm)];
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toMatch(/^LLM_/);
    expect(Number(errors[0]![2])).toBe(1);
    expect(sample(body, 'oyster_model_latency_seconds_count', { outcome: 'error' })).toBe(1);
    expect(sample(body, 'oyster_output_check_failures_total', { level: 'high' })).toBe(1);
  });

  it('shows undelivered alerts as outbox depth and failed deliveries, and clears them once delivered', async () => {
    const metrics = createMetrics({ processMetrics: false });
    h = await startHarness({ env: US, reply: () => SUPPORTIVE, metrics });
    h.sink.failing = true;
    await h.adapter.receive({ text: HIGH });
    await h.bot.drainAlerts();
    let body = await text(metrics);
    expect(sample(body, 'oyster_outbox_depth')).toBe(1);
    expect(sample(body, 'oyster_alert_deliveries_total', { sink: 'test-sink', outcome: 'failed' })).toBeGreaterThanOrEqual(1);

    h.sink.failing = false;
    h.clock.advance(10 * 60_000);
    await h.bot.drainAlerts();
    body = await text(metrics);
    expect(sample(body, 'oyster_outbox_depth')).toBe(0);
    expect(sample(body, 'oyster_alert_deliveries_total', { sink: 'test-sink', outcome: 'ok' })).toBe(1);
  });

  it('never carries user ids, names or message text in labels', async () => {
    const metrics = createMetrics({ processMetrics: false });
    h = await startHarness({ env: US, reply: () => SUPPORTIVE, metrics });
    await h.adapter.receive({ text: HIGH, userId: 'user-4711' });
    await h.adapter.receive({ text: PLAIN, userId: 'user-4711' });
    // A careless caller: an id under an unknown label name, text as a label value.
    metrics.count('messages_total', { platform: 'fake', level: 'none', user: 'user-4711' });
    metrics.count('engine_errors_total', { code: 'I keep thinking about it' });
    metrics.count('brand_new_total', { platform: 'fake', userId: 'user-4711' });

    const body = await text(metrics);
    expect(body).not.toContain('4711');
    expect(body).not.toContain('sourdough');
    expect(body).not.toContain('killing');
    expect(body).not.toContain('thinking');
    expect(sample(body, 'oyster_engine_errors_total', { code: 'invalid' })).toBe(1);
    expect(sample(body, 'oyster_brand_new_total', { platform: 'fake' })).toBe(1);
    for (const value of labelValues(body)) expect(value).toMatch(/^[A-Za-z0-9_.:+-]{1,48}$/);
  });
});
