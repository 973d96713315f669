/** Settings a simulated agent cannot run with; the message names every problem. */
export class InvalidSimulationSettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid simulated agent settings: ${problems.join('; ')}`);
    this.name = 'InvalidSimulationSettingsError';
  }
}
