import { IsString, Length, type ValidationOptions } from 'class-validator';

/** Longest id Hive accepts (uuids, readable ids such as `acacia`, n8n-style ids). */
export const MAX_ID_LENGTH = 128;

/** An aggregate or message id: a non-empty string of at most {@link MAX_ID_LENGTH} characters. */
export function IsEntityId(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    IsString(options)(target, propertyKey);
    Length(1, MAX_ID_LENGTH, options)(target, propertyKey);
  };
}
