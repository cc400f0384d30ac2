/**
 * Where a moderator action came from is on its audit row: an action taken on the dashboard is
 * recorded with `via: 'web'` (issue 16), one typed in a chat without it. With a public dashboard
 * address, every alert links to its case page.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { askForLink, Client, MODERATOR, worldWithCase, type DashWorld } from './harness.js';

/** A world with one open case, closed when the test ends. */
async function withCase(env: Record<string, string> = {}): Promise<{ w: DashWorld; caseId: number }> {
  const started = await worldWithCase(env);
  onTestFinished(() => started.w.close());
  return started;
}

describe('audit rows say where an action came from', () => {
  it("records a dashboard acknowledge with via 'web' and a chat resolve without it", async () => {
    const { w, caseId } = await withCase();
    const { url } = await askForLink(w);
    const client = new Client(w.base);
    expect((await client.signIn(url!)).status).toBe(303);
    const acted = await client.request(`/cases/${caseId}/act`, { form: { action: 'acknowledge', csrf: await client.csrf() } });
    expect(acted.status).toBe(303);

    const reply = await w.adapter.command('case', ['resolve', String(caseId)], MODERATOR);
    expect(reply.ok).toBe(true);

    const audit = await w.bot.cases.auditLog(caseId);
    const ack = audit.find((e) => e.action === 'acknowledge');
    const resolve = audit.find((e) => e.action === 'resolve');
    expect(ack).toMatchObject({ actor: `fake:${MODERATOR.id}`, detail: { via: 'web', fromStatus: 'open' } });
    expect(resolve?.detail).toMatchObject({ fromStatus: 'acknowledged' });
    expect(resolve?.detail).not.toHaveProperty('via');
  });
});

describe('case links on alerts', () => {
  it('links every alert to its dashboard page when DASHBOARD_PUBLIC_URL is set', async () => {
    const { w, caseId } = await withCase({ DASHBOARD_PUBLIC_URL: 'https://mod.example.org' });
    await waitFor(() => w.adapter.alerts.length > 0, { what: 'the alert' });
    expect(w.adapter.alerts[0]!.caseUrl).toBe(`https://mod.example.org/cases/${caseId}`);
  });

  it('gives no case link without a public address (the bound port is not one moderators can open)', async () => {
    const { w } = await withCase();
    await waitFor(() => w.adapter.alerts.length > 0, { what: 'the alert' });
    expect(w.adapter.alerts[0]!.caseUrl).toBeUndefined();
  });
});
