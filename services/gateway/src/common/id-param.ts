import { ApiProblem } from '../problem/api-problem.exception';

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Checks a path id; a malformed one cannot exist, so it is a 404 like any unknown id. */
export function pathId(value: string): string {
  if (!ID.test(value)) throw new ApiProblem('not_found', 'No such resource.');
  return value;
}

export const notFound = (): ApiProblem => new ApiProblem('not_found', 'No such resource.');
