import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { envelopeProblems } from '../envelope/check-envelope';
import type { Envelope } from '../envelope/envelope';
import { ContractViolation } from './contract-violation';
import type { MessageDefinition } from './message-definition';

const flatten = (errors: ValidationError[], path = ''): string[] =>
  errors.flatMap((error) => {
    const field = path ? `${path}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) =>
      // class-validator names the property; prefix nested paths so the field is unambiguous.
      path ? `${path}.${text}` : text,
    );
    return [...own, ...flatten(error.children ?? [], field)];
  });

/** Validates plain data against a class-validator class; returns the problems, each naming its field. */
export function dataProblems<T extends object>(dataClass: new () => T, data: unknown): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return ['data must be a JSON object'];
  const instance = plainToInstance(dataClass, data);
  return flatten(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
}

/**
 * The set of messages a reader understands. `parse` turns raw bytes from a
 * topic into a checked envelope or throws a {@link ContractViolation} that
 * says exactly what is wrong.
 */
export class MessageCatalogue {
  private readonly byKey = new Map<string, MessageDefinition>();
  private readonly versionsByType = new Map<string, number[]>();

  constructor(definitions: readonly MessageDefinition[]) {
    for (const definition of definitions) {
      const key = `${definition.type}@${definition.version}`;
      if (this.byKey.has(key)) throw new Error(`message ${key} is defined twice`);
      this.byKey.set(key, definition);
      this.versionsByType.set(definition.type, [...(this.versionsByType.get(definition.type) ?? []), definition.version]);
    }
  }

  definitions(): MessageDefinition[] {
    return [...this.byKey.values()];
  }

  find(type: string, version: number): MessageDefinition | undefined {
    return this.byKey.get(`${type}@${version}`);
  }

  /** Throws ContractViolation when data does not match the message definition. */
  checkData(type: string, version: number, data: unknown): MessageDefinition {
    const definition = this.find(type, version);
    if (!definition) {
      const known = this.versionsByType.get(type);
      if (!known) throw new ContractViolation('unknown_type', `unknown message type "${type}"`);
      throw new ContractViolation('unknown_version', `unknown version ${version} of "${type}" (known: ${known.join(', ')})`);
    }
    const problems = dataProblems(definition.dataClass, data);
    if (problems.length > 0) throw new ContractViolation('invalid_data', `invalid data for ${type} v${version}`, problems);
    return definition;
  }

  /** Parses and checks one message's bytes. */
  parse(raw: Buffer | string | null): Envelope {
    if (raw === null) throw new ContractViolation('malformed_json', 'the message has no value');
    let value: unknown;
    try {
      value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    } catch (error) {
      throw new ContractViolation('malformed_json', `the message is not valid JSON (${(error as Error).message})`);
    }
    const problems = envelopeProblems(value);
    if (problems.length > 0) throw new ContractViolation('invalid_envelope', 'invalid envelope', problems);
    const envelope = value as Envelope;
    this.checkData(envelope.type, envelope.version, envelope.data);
    return envelope;
  }
}
