import { ContractViolation } from '@hive/contracts';
import { errorKind, FatalMessageError, isInfrastructureError } from './errors';

const pgError = (code: string, message = 'pg error') => Object.assign(new Error(message), { code });

describe('isInfrastructureError: what the consumer waits out instead of dead-lettering', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['the server shutting down', pgError('57P01', 'terminating connection due to administrator command')],
    ['too many connections', pgError('53300')],
    ['a deadlock victim', pgError('40P01', 'deadlock detected')],
    ['a serialization failure', pgError('40001', 'could not serialize access')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
  ])('%s is infrastructure', (_, error) => expect(isInfrastructureError(error)).toBe(true));

  it.each([
    ['a unique violation', pgError('23505')],
    ['a check violation', pgError('23514')],
    ['a syntax error', pgError('42601')],
    ['a handler bug', new TypeError('cannot read properties of undefined')],
    ['not an error at all', 'deadlock detected'],
  ])('%s is the message\'s problem', (_, error) => expect(isInfrastructureError(error)).toBe(false));

  it('classifies contract violations and fatal errors for immediate dead-lettering', () => {
    expect(errorKind(new ContractViolation('invalid_envelope', 'bad'))).toBe('contract');
    expect(errorKind(new FatalMessageError('no'))).toBe('fatal');
    expect(errorKind(new Error('maybe next time'))).toBe('retriable');
  });
});
