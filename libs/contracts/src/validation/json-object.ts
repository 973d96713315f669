/** A free-form JSON object, as carried in `@IsJsonObject()` fields. */
export type JsonObject = { readonly [key: string]: unknown };
