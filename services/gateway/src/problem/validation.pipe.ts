import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiProblem, type FieldProblem } from './api-problem.exception';

/** Flattens class-validator's tree into `field.path: messages`. */
export function fieldProblems(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) out.push({ field, messages: Object.values(error.constraints) });
    if (error.children?.length) out.push(...fieldProblems(error.children, field));
  }
  return out;
}

/** DTO validation for every input: unknown fields are errors, types are converted only where declared. */
export const hiveValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = fieldProblems(errors);
      return new ApiProblem('validation_failed', `${fields.length} field(s) invalid: ${fields.map((f) => f.field).join(', ')}`, { fields });
    },
  });
