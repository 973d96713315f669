import { ArrayMaxSize, IsArray, IsInt, Min } from 'class-validator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';

/** The items a node emitted on one of its outputs (an IF node has two, most nodes one). */
export class NodeOutputData {
  /** Output index, 0 for the main output. */
  @IsInt() @Min(0) output!: number;

  /** n8n items, each `{ json: {...}, binary?: {...} }`. */
  @IsArray() @ArrayMaxSize(10000) @IsJsonObject({ each: true })
  items!: JsonObject[];
}
