import { METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { PERMISSION_KEY } from '../auth/permission.decorator';
import { WebhooksController, webhookInput } from './webhooks.controller';
import { normalisePath } from './webhooks.projection';
import { webhookExecutionId } from './webhooks.read-model';

describe('webhooks', () => {
  it('serve every method under /webhook to callers with executions.start (never public)', () => {
    const handler = (WebhooksController.prototype as unknown as Record<string, object>)['receive'];
    expect(Reflect.getMetadata(METHOD_METADATA, handler)).toBe(RequestMethod.ALL);
    expect(Reflect.getMetadata(PERMISSION_KEY, handler)).toBe('executions.start');
  });

  it("build n8n's trigger item { headers, params, query, body } without the caller's credentials", () => {
    const input = webhookInput({
      headers: { authorization: 'Bearer secret', 'x-api-key': 'k', cookie: 'c', 'content-type': 'application/json', 'x-many': ['a', 'b'] },
      query: { ref: 'r-1' }, body: { amount: 3 },
    } as never);
    expect(input).toEqual({ headers: { 'content-type': 'application/json', 'x-many': 'a, b' }, params: {}, query: { ref: 'r-1' }, body: { amount: 3 } });
    expect(webhookInput({ headers: {}, query: {}, body: undefined } as never)['body']).toEqual({});
  });

  it('derive the execution id from an Idempotency-Key (same key, same execution; per tenant and caller), else a fresh one', () => {
    const random = () => 'fresh';
    const a = webhookExecutionId('acme', 'dev', 'k1', random);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(webhookExecutionId('acme', 'dev', 'k1', random)).toBe(a);
    expect(webhookExecutionId('globex', 'dev', 'k1', random)).not.toBe(a);
    expect(webhookExecutionId('acme', 'other', 'k1', random)).not.toBe(a);
    expect(webhookExecutionId('acme', 'dev', undefined, random)).toBe('fresh');
  });

  it('store and look up paths without surrounding slashes', () => {
    expect(normalisePath('/orders/new/')).toBe('orders/new');
    expect(normalisePath('orders')).toBe('orders');
  });
});
