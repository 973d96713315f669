import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitFor } from '@hive/testing';
import { demoWorkflow, startOperatorStack, type OperatorStack } from './cli-stack';
import { ensureDashboardBuilt, launchChromium, logIn, screenshot } from './dashboard-browser';
import { call, token } from './gateway/gateway-client';

/** The dashboard in Debian's Chromium against the running stack: log in, workflows live, tasks on an agent, roles. */
describe('dashboard in a browser', () => {
  let stack: OperatorStack;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  const adminToken = token('admin', 'acme', 'ada');
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => call<T>(stack.gateway.url, method, path, { token: adminToken, body });

  beforeAll(async () => {
    ensureDashboardBuilt();
    stack = await startOperatorStack();
    for (const [username, role] of [['ui-admin', 'admin'], ['ui-viewer', 'viewer']]) {
      const created = await api('POST', '/api/auth/users', { username, password: 'correct horse battery', roles: [role] });
      if (created.status !== 201) throw new Error(`creating ${username}: ${created.status}`);
    }
    browser = await launchChromium();
    admin = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await admin.newPage();
    await logIn(page, stack.gateway.url, 'acme', 'ui-admin', 'correct horse battery');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the cluster overview after logging in, with the agent online and a live connection', async () => {
    await page.waitForSelector('[data-testid=live-state]:has-text("live: open")');
    await page.waitForSelector('[data-testid=agents-online]:has-text("1 / 1")');
    expect(await page.textContent('[data-testid=queue-length]')).toMatch(/Queue length\s*\d+/);
    await screenshot(page, 'overview');
  });

  it('imports a workflow by paste, runs it and shows its nodes complete live', async () => {
    // A Wait long enough that a loaded machine still shows it running before it completes.
    const workflow = demoWorkflow('Dashboard demo', 5);
    await page.goto(`${stack.gateway.url}/dashboard/#/workflows`);
    await page.click('summary:has-text("Import n8n workflow")');
    // A bad paste is refused in the page with a clear message, and nothing is sent.
    await page.fill('textarea[aria-label="n8n JSON"]', '{ "nodes": ');
    await page.click('button:has-text("Import")');
    await page.waitForSelector('.error:has-text("not valid JSON")');
    await page.fill('textarea[aria-label="n8n JSON"]', JSON.stringify(workflow));
    await page.click('button:has-text("Import")');
    await page.waitForSelector('[data-testid=workflow-detail] h2:has-text("Dashboard demo")');
    await page.waitForSelector('[data-testid=workflow-detail] tr[data-version="1"]');
    await screenshot(page, 'workflows');

    const received = await page.evaluate(() => (globalThis as unknown as { __hive: { live: { received: number } } }).__hive.live.received);
    await page.click('[data-testid=workflow-detail] button:has-text("Run")');
    await page.waitForSelector('[data-testid=execution-detail]');
    // The Wait node is seen running, then every node completes, without reloading the page.
    await page.waitForSelector('[data-testid=execution-nodes] tr[data-node="Pause"][data-node-status="running"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=execution-detail][data-status="completed"]', { timeout: 30_000 });
    for (const node of ['Start', 'Pause', 'Done']) await page.waitForSelector(`[data-testid=execution-nodes] tr[data-node="${node}"][data-node-status="completed"]`);
    const after = await page.evaluate(() => (globalThis as unknown as { __hive: { live: { received: number } } }).__hive.live.received);
    // At least Pause completed, Done started and completed, and the execution completed arrived over the WebSocket.
    expect(after - received).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'execution');
  }, 90_000);

  it('draws the workflow in the editor, saves an edit as a new version, and an unchanged save is the same n8n JSON', async () => {
    const { body: list } = await api<{ items: Array<{ id: string; name: string }> }>('GET', '/api/workflows');
    const id = list.items.find((w) => w.name === 'Dashboard demo')?.id ?? '';
    await page.goto(`${stack.gateway.url}/dashboard/#/workflows/${id}/edit`);
    await page.waitForSelector('.react-flow__node');
    expect(await page.locator('.react-flow__node').count()).toBe(3);
    await waitFor(async () => ((await page.locator('.react-flow__edge').count()) === 2 ? true : undefined), { timeoutMs: 10_000, description: 'two edges drawn' });
    await screenshot(page, 'editor');

    // Unchanged: saved as version 2, identical to version 1.
    await page.click('button:has-text("Save as new version")');
    await page.waitForSelector('[data-testid=workflows-table]');
    // Edited: a Code node added and connected after Done, then configured.
    await page.goto(`${stack.gateway.url}/dashboard/#/workflows/${id}/edit`);
    await page.waitForSelector('.react-flow__node');
    await page.selectOption('select[aria-label="add node"]', 'Code');
    await page.waitForSelector('[data-testid=node-config]');
    await page.fill('input[aria-label="node name"]', 'Shout');
    await page.fill('textarea[aria-label="node parameters"]', JSON.stringify({ jsCode: 'return [{ json: { loud: true } }];' }));
    await page.click('[data-testid=node-config] button:has-text("Apply")');
    await page.click('.react-flow__controls-fitview');
    const done = page.locator('.react-flow__node', { hasText: 'Done' }).locator('.react-flow__handle.source').first();
    const shout = page.locator('.react-flow__node', { hasText: 'Shout' }).locator('.react-flow__handle.target').first();
    // Bring the new node into view, then drag from Done's output handle to Shout's input with the mouse (edges' wide hit areas overlap small handles).
    const from = await done.boundingBox();
    const to = await shout.boundingBox();
    if (!from || !to) throw new Error('handles not drawn');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await page.mouse.up();
    await screenshot(page, 'editor-edited');
    await waitFor(async () => ((await page.locator('.react-flow__edge').count()) === 3 ? true : undefined), { timeoutMs: 10_000, description: 'the new edge' });
    await page.click('button:has-text("Save as new version")');
    await page.waitForSelector('[data-testid=workflows-table]');

    const versions = await waitFor(async () => {
      const { body } = await api<{ items: Array<{ version: number; n8nData: { nodes: Array<{ name: string; type: string; parameters: unknown }>; connections: Record<string, unknown> } }> }>('GET', `/api/workflows/${id}/versions`);
      return body.items.length === 3 ? body.items : undefined;
    }, { timeoutMs: 15_000, description: 'three versions' });
    expect(versions[0].n8nData).toEqual(demoWorkflow('Dashboard demo', 5));
    expect(JSON.stringify(versions[1].n8nData)).toBe(JSON.stringify(versions[0].n8nData));
    const edited = versions[2].n8nData;
    expect(edited.nodes.map((n) => n.name)).toEqual(['Start', 'Pause', 'Done', 'Shout']);
    expect(edited.nodes[3]).toMatchObject({ type: 'n8n-nodes-base.code', parameters: { jsCode: 'return [{ json: { loud: true } }];' } });
    expect(edited.connections).toEqual({ ...(demoWorkflow().connections as object), Done: { main: [[{ node: 'Shout', type: 'main', index: 0 }]] } });
  }, 90_000);

  it('creates a task and sees it complete on the agent', async () => {
    await page.goto(`${stack.gateway.url}/dashboard/#/tasks`);
    await page.fill('input[aria-label="task title"]', 'Browser task');
    await page.fill('input[aria-label="task prompt"]', 'Say hello from the browser');
    await page.click('button:has-text("Create task")');
    const row = page.locator('[data-testid=tasks-table] .vrow', { hasText: 'Browser task' });
    await row.locator('.badge:has-text("completed")').waitFor({ timeout: 45_000 });
    expect(await row.textContent()).toContain(stack.agentId);
    await row.click();
    await page.waitForSelector('[data-testid=task-detail] .output');
    await screenshot(page, 'tasks');
  }, 90_000);

  it('shows an admin the agent with its Delete and Benchmark buttons; a viewer sees neither, nor any create form', async () => {
    await page.goto(`${stack.gateway.url}/dashboard/#/agents`);
    await page.click(`[data-testid=agents-table] [data-row="${stack.agentId}"]`);
    await page.waitForSelector('[data-testid=agent-detail] button:has-text("Delete")');
    expect(await page.locator('[data-testid=agent-detail] button:has-text("Benchmark")').count()).toBe(1);
    await screenshot(page, 'agents');
    for (const [route, name] of [['alerts', 'alerts'], ['mcp', 'mcp'], ['executions', 'executions']]) {
      await page.goto(`${stack.gateway.url}/dashboard/#/${route}`);
      await page.waitForSelector('.vtable');
      await screenshot(page, name);
    }

    const viewer = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const vpage = await viewer.newPage();
    await logIn(vpage, stack.gateway.url, 'acme', 'ui-viewer', 'correct horse battery');
    await vpage.goto(`${stack.gateway.url}/dashboard/#/agents`);
    await vpage.click(`[data-testid=agents-table] [data-row="${stack.agentId}"]`);
    await vpage.waitForSelector('[data-testid=agent-detail]');
    expect(await vpage.locator('button:has-text("Delete")').count()).toBe(0);
    expect(await vpage.locator('button:has-text("Benchmark")').count()).toBe(0);
    // Pages it may not see are not offered; workflows show no import, activate or run.
    expect(await vpage.locator('nav a').allTextContents()).toEqual(['Overview', 'Agents', 'Workflows', 'Executions', 'Alerts']);
    await vpage.goto(`${stack.gateway.url}/dashboard/#/workflows`);
    await vpage.click('[data-testid=workflows-table] .vrow.clickable >> nth=0');
    await vpage.waitForSelector('[data-testid=workflow-detail] tr[data-version]');
    expect(await vpage.locator('summary:has-text("Import")').count()).toBe(0);
    expect(await vpage.locator('[data-testid=workflow-detail] button:has-text("Run")').count()).toBe(0);
    expect(await vpage.locator('[data-testid=workflow-detail] button:has-text("Activate")').count()).toBe(0);
    await screenshot(vpage, 'viewer-agents');
    await viewer.close();
  }, 90_000);
});
