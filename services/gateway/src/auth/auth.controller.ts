import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GatewayConfig } from '../config/gateway.config';
import { ApiProblem } from '../problem/api-problem.exception';
import { CreateApiKeyDto, CreateUserDto, LoginDto, RefreshDto } from './auth.dto';
import { CredentialsRepository, type ApiKeyRecord } from './credentials.repository';
import { CurrentPrincipal } from './current-principal.decorator';
import { AuthenticatedRoute, PublicRoute, RequirePermission } from './permission.decorator';
import { expandGrants, grants, type Permission } from './permissions';
import type { Principal } from './principal';
import { TokenService } from './token.service';

interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
}

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly credentials: CredentialsRepository, private readonly tokens: TokenService, private readonly config: GatewayConfig) {}

  @Post('login')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({ summary: 'Log in a local user: an access token and a refresh token' })
  async login(@Body() body: LoginDto): Promise<TokenPair> {
    const user = await this.credentials.checkPassword(body.tenant, body.username, body.password);
    if (!user) throw new ApiProblem('unauthenticated', 'unknown user or wrong password');
    const access = await this.tokens.issue({ sub: user.userId, tenant: user.tenant, roles: user.roles });
    return { accessToken: access.token, tokenType: 'Bearer', expiresIn: access.expiresIn, refreshToken: await this.credentials.issueRefreshToken(user, this.config.REFRESH_TOKEN_TTL_S) };
  }

  @Post('refresh')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({ summary: 'Trade a refresh token (once) for a new pair; reusing one revokes its whole family' })
  async refresh(@Body() body: RefreshDto): Promise<TokenPair> {
    const used = await this.credentials.useRefreshToken(body.refreshToken);
    const user = used ? await this.credentials.userById(used.userId) : undefined;
    if (!used || !user) throw new ApiProblem('unauthenticated', 'the refresh token is invalid, expired, used or revoked');
    const access = await this.tokens.issue({ sub: user.userId, tenant: user.tenant, roles: user.roles });
    return { accessToken: access.token, tokenType: 'Bearer', expiresIn: access.expiresIn, refreshToken: await this.credentials.issueRefreshToken(user, this.config.REFRESH_TOKEN_TTL_S, used.family) };
  }

  @Post('revoke')
  @HttpCode(204)
  @AuthenticatedRoute()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke a refresh token and every token refreshed from the same login' })
  async revoke(@CurrentPrincipal() principal: Principal, @Body() body: RefreshDto): Promise<void> {
    await this.credentials.revokeRefreshFamily(body.refreshToken, principal.tenant);
  }

  @Get('me')
  @AuthenticatedRoute()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the token says the caller is, and what it may do' })
  me(@CurrentPrincipal() principal: Principal): Record<string, unknown> {
    return { subject: principal.subject, tenant: principal.tenant, roles: principal.roles, permissions: expandGrants(principal.grants), via: principal.via };
  }

  @Post('users')
  @RequirePermission('users.manage')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Create a local user in the caller's tenant" })
  async createUser(@CurrentPrincipal() principal: Principal, @Body() body: CreateUserDto): Promise<Record<string, unknown>> {
    const user = await this.credentials.createUser(principal.tenant, body.username, body.password, body.roles);
    if (!user) throw new ApiProblem('already_exists', `user "${body.username}" already exists`);
    return { id: user.userId, tenant: user.tenant, username: user.username, roles: user.roles };
  }

  @Post('api-keys')
  @RequirePermission('apikeys.manage')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create an API key with scopes (shown once)' })
  async createApiKey(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyDto): Promise<ApiKeyRecord & { key: string }> {
    const beyond = body.scopes.filter((scope) => !grants(principal.grants, scope as Permission));
    if (beyond.length > 0) throw new ApiProblem('forbidden', `a key cannot have scopes its creator lacks: ${beyond.join(', ')}`);
    const { key, record } = await this.credentials.createApiKey(principal.tenant, body.name, body.role, body.scopes, principal.subject);
    return { ...record, key };
  }

  @Get('api-keys')
  @RequirePermission('apikeys.manage')
  @ApiBearerAuth()
  @ApiOperation({ summary: "The tenant's API keys (without secrets)" })
  async listApiKeys(@CurrentPrincipal() principal: Principal): Promise<{ items: ApiKeyRecord[] }> {
    return { items: await this.credentials.listApiKeys(principal.tenant) };
  }

  @Delete('api-keys/:keyId')
  @HttpCode(204)
  @RequirePermission('apikeys.manage')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke an API key' })
  async revokeApiKey(@CurrentPrincipal() principal: Principal, @Param('keyId') keyId: string): Promise<void> {
    if (!(await this.credentials.revokeApiKey(principal.tenant, keyId))) throw new ApiProblem('not_found', 'No such resource.');
  }
}
