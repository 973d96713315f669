import type { FastifyReply } from 'fastify';
import type { CommandResponse } from './command-bus';

/** Writes a command's outcome (fresh or replayed) to the reply; returns the body for Nest to send. */
export function commandReply(reply: FastifyReply, response: CommandResponse): unknown {
  void reply.status(response.status);
  if (response.status >= 400) void reply.header('content-type', 'application/problem+json');
  if (response.replayed) void reply.header('idempotent-replayed', 'true');
  if (response.timings) {
    void reply.header('server-timing', Object.entries(response.timings).map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(', '));
  }
  return response.body;
}
