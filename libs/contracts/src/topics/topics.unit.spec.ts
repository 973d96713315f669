import { hiveMessages } from '../catalogue/hive-catalogue';
import { allTopicSpecs, deadLetterTopicName, Topics, type TopicSpec } from './topics';

const specs = Object.values(Topics) as TopicSpec[];

describe('Topics', () => {
  it('gives every topic a unique name, dead-letter topics included', () => {
    const names = allTopicSpecs().map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(deadLetterTopicName(Topics.taskEvents.name));
    expect(names).not.toContain(deadLetterTopicName(Topics.agentTelemetry.name));
  });

  it('keeps event topics forever and bounds telemetry and command retention', () => {
    for (const spec of specs.filter((s) => s.name.endsWith('.events'))) expect(spec.retentionMs).toBe(-1);
    for (const spec of specs.filter((s) => s.name.endsWith('.commands') || s.name.endsWith('.telemetry'))) {
      expect(spec.retentionMs).toBeGreaterThan(0);
    }
  });

  it('carries every message definition on one of its topics', () => {
    const names = new Set(specs.map((spec) => spec.name));
    const strays = hiveMessages.filter((definition) => !names.has(definition.topic)).map((d) => `${d.type} -> ${d.topic}`);
    expect(strays).toEqual([]);
  });

  it('sends commands on command topics, results on the results topic and events elsewhere', () => {
    for (const definition of hiveMessages) {
      const where = `${definition.type} on ${definition.topic}`;
      if (definition.kind === 'command') expect(where).toMatch(/\.commands$/);
      else if (definition.kind === 'result') expect(definition.topic).toBe(Topics.commandResults.name);
      else expect(where).toMatch(/\.(events|telemetry)$/);
    }
  });

  it('keeps high-volume agent samples off the forever-kept agent event topic', () => {
    const topicOf = (type: string) => hiveMessages.find((d) => d.type === type)?.topic;
    expect(topicOf('agent.health_sampled')).toBe(Topics.agentTelemetry.name);
    expect(topicOf('agent.performance_update')).toBe(Topics.agentTelemetry.name);
    expect(topicOf('agent.status_changed')).toBe(Topics.agentEvents.name);
    expect(topicOf('workflow.imported')).toBe(Topics.workflowEvents.name);
    expect(topicOf('workflow.node_completed')).toBe(Topics.executionEvents.name);
  });
});
