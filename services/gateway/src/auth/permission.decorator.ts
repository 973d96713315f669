import { SetMetadata } from '@nestjs/common';
import type { Permission } from './permissions';

export const PERMISSION_KEY = 'hive:permission';
export const PUBLIC_ROUTE = 'public';
export const AUTHENTICATED_ROUTE = 'authenticated';

/** The permission a route needs. Every route must declare one; the guard refuses routes that do not. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** A route anyone may call (login, refresh, health). */
export const PublicRoute = () => SetMetadata(PERMISSION_KEY, PUBLIC_ROUTE);

/** A route any authenticated caller may use, whatever its permissions (e.g. who am I). */
export const AuthenticatedRoute = () => SetMetadata(PERMISSION_KEY, AUTHENTICATED_ROUTE);
