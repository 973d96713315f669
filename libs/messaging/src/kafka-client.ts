import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

const kafkaLogger = new Logger('kafkajs');

/** kafkajs logs through the service's logger; its chatty info level is reduced to warnings. */
const logCreator = () => ({ level, log }: LogEntry) => {
  const { message, ...extra } = log;
  const text = `${log.logger ?? ''} ${message} ${JSON.stringify(extra)}`;
  if (level === logLevel.ERROR) kafkaLogger.error(text);
  else if (level === logLevel.WARN) kafkaLogger.warn(text);
};

export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    logCreator,
    retry: { initialRetryTime: 100, retries: 8 },
  });
}

export const parseBrokers = (list: string): string[] => list.split(',').map((broker) => broker.trim()).filter(Boolean);
