import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ALERT_SEVERITIES } from '@hive/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import type { Page } from '../common/list-page';
import { ListQueryDto } from '../common/list-query.dto';
import { AlertsReadModel, type AlertView } from './alerts.read-model';

export class ListAlertsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ALERT_SEVERITIES }) @IsOptional() @IsIn(ALERT_SEVERITIES) severity?: string;
  @ApiPropertyOptional({ enum: ['firing', 'resolved'] }) @IsOptional() @IsIn(['firing', 'resolved']) state?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 128) rule?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255) subject?: string;
  @ApiPropertyOptional({ enum: ['firedAt', 'severity'], default: 'firedAt' }) @IsOptional() @IsIn(['firedAt', 'severity']) sort?: string;
}

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsReadModel) {}

  @Get()
  @RequirePermission('alerts.view')
  @ApiOperation({ summary: 'List alerts (firing and resolved)' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAlertsQueryDto): Promise<Page<AlertView>> {
    return this.alerts.list(principal.tenant, {
      limit: query.limit ?? 50, cursor: query.cursor, sort: query.sort ?? 'firedAt', order: query.order ?? 'desc',
      filters: { severity: query.severity, state: query.state, rule: query.rule, subject: query.subject },
    });
  }
}
