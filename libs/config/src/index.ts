import 'reflect-metadata';

export * from './config-error';
export * from './load-config';
export * from './infra.config';
