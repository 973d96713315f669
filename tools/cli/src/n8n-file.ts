import { readFileSync } from 'node:fs';
import { usageError } from './exit-codes';

export interface N8nWorkflow {
  name?: string;
  id?: string;
  nodes: Array<{ name: string; type: string; [key: string]: unknown }>;
  connections: Record<string, unknown>;
  [key: string]: unknown;
}

/** Reads a JSON file ("-" for stdin) with a message that names the file and what is wrong. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Checks n8n workflow JSON as the gateway will (nodes with name and type, a connections object), before sending it. */
export function asN8nWorkflow(value: unknown, source: string): N8nWorkflow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usageError(`${source} is not n8n workflow JSON: expected an object with "nodes" and "connections"`);
  const { nodes, connections } = value as Record<string, unknown>;
  if (!Array.isArray(nodes)) throw usageError(`${source} is not n8n workflow JSON: "nodes" must be an array`);
  const bad = nodes.findIndex((n) => typeof n !== 'object' || n === null || typeof (n as { name?: unknown }).name !== 'string' || typeof (n as { type?: unknown }).type !== 'string');
  if (bad >= 0) throw usageError(`${source} is not n8n workflow JSON: nodes[${bad}] needs a string "name" and "type"`);
  if (typeof connections !== 'object' || connections === null || Array.isArray(connections)) throw usageError(`${source} is not n8n workflow JSON: "connections" must be an object`);
  return value as N8nWorkflow;
}

/** Parses `--input '{"a":1}'` or `--input @file.json`. */
export function jsonOption(value: string, flag: string): Record<string, unknown> {
  const parsed = value.startsWith('@') ? readJsonFile(value.slice(1)) : (() => {
    try {
      return JSON.parse(value) as unknown;
    } catch (error) {
      throw usageError(`${flag} is not valid JSON: ${(error as Error).message}`);
    }
  })();
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw usageError(`${flag} must be a JSON object`);
  return parsed as Record<string, unknown>;
}
