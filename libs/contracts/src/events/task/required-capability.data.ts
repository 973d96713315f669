import { IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** A capability a task needs from its agent. */
export class RequiredCapabilityData {
  @IsString() @Length(1, 64) name!: string;

  /** Lowest acceptable proficiency (0-1); any proficiency when absent. */
  @IsOptional() @IsNumber() @Min(0) @Max(1) minProficiency?: number;
}
