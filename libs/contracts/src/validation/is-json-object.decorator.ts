import { IsObject, type ValidationOptions } from 'class-validator';

/**
 * A free-form JSON object (n8n workflow JSON, task payload, tool result).
 * Its content is not checked and, because the property carries no
 * `@ValidateNested`, whitelist/forbidNonWhitelisted validation leaves its keys alone.
 */
export function IsJsonObject(options?: ValidationOptions): PropertyDecorator {
  const message = options?.each ? 'each value in $property must be a JSON object' : '$property must be a JSON object';
  return IsObject({ message, ...options });
}
