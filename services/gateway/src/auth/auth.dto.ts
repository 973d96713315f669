import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import { PERMISSIONS, ROLES, type Role } from './permissions';

const TENANT = /^[a-z0-9][a-z0-9_-]{0,127}$/;

export class LoginDto {
  @ApiProperty({ example: 'acme' }) @Matches(TENANT, { message: 'tenant must be 1-128 lower-case letters, digits, "_" or "-"' }) tenant!: string;
  @ApiProperty({ example: 'ada' }) @IsString() @Length(1, 128) username!: string;
  @ApiProperty() @IsString() @Length(1, 1024) password!: string;
}

export class RefreshDto {
  @ApiProperty() @IsString() @Length(10, 200) refreshToken!: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'ada' }) @IsString() @Matches(/^[A-Za-z0-9_.@-]{1,128}$/, { message: 'username must be 1-128 letters, digits, "_", ".", "@" or "-"' }) username!: string;
  @ApiProperty({ minLength: 12 }) @IsString() @Length(12, 1024) password!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) @IsArray() @ArrayUnique() @ArrayMaxSize(3) @IsIn(ROLES, { each: true }) roles!: Role[];
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-pipeline' }) @IsString() @Length(1, 128) name!: string;
  @ApiProperty({ enum: ROLES, description: 'Role the key is rate-limited as' }) @IsIn(ROLES) role!: Role;
  @ApiPropertyOptional({ enum: PERMISSIONS, isArray: true, description: "Scopes; must be within the creator's own permissions" })
  @IsArray() @ArrayUnique() @ArrayMaxSize(PERMISSIONS.length) @IsIn(PERMISSIONS, { each: true }) scopes!: string[];
}
