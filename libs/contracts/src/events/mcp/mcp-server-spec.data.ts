import {
  ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUrl, Length, Matches, ValidateIf,
} from 'class-validator';

export const MCP_TRANSPORTS = ['streamable-http', 'stdio'] as const;
export type McpTransport = (typeof MCP_TRANSPORTS)[number];

/** An MCP server id, e.g. `code_review`. */
export const MCP_SERVER_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * An entry of the Hive MCP server registry, shared by RegisterMcpServer and
 * mcp.server_registered. `endpoint` is required for Streamable HTTP, `command`
 * (with `args`) for stdio; the other transport's fields are ignored.
 */
export class McpServerSpecData {
  @Matches(MCP_SERVER_ID_PATTERN, { message: 'serverId must be 1-63 lower-case letters, digits, "-" or "_"' })
  serverId!: string;

  @IsOptional() @IsString() @Length(1, 255) name?: string;

  @IsIn(MCP_TRANSPORTS) transport!: McpTransport;

  @ValidateIf((data: McpServerSpecData) => data.transport === 'streamable-http' || data.endpoint !== undefined)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'endpoint must be an http(s) URL (required for streamable-http)' })
  endpoint?: string;

  @ValidateIf((data: McpServerSpecData) => data.transport === 'stdio' || data.command !== undefined)
  @Matches(/^[\s\S]{1,1024}$/, { message: 'command must be a string of 1-1024 characters (required for stdio)' })
  command?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) @Length(0, 4096, { each: true })
  args?: string[];

  /** What the server offers, e.g. `code_analysis`, `security_scan`. */
  @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) @Length(1, 64, { each: true })
  capabilities!: string[];

  /** The server's version, e.g. `1.2.0`. */
  @IsString() @Length(1, 64) version!: string;
}
