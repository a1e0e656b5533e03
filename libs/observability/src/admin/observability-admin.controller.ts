import { Body, Controller, Logger, Put } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@astra/security';
import { ObservabilitySnapshot, ObservabilityState } from '../observability-state';
import { LogLevelDto, ObservabilitySwitchDto } from './observability-admin.dto';

/** Runtime switches: the log level, and the emergency disable of metrics and tracing. */
@ApiTags('admin')
@RequireRole('admin')
@Controller('api/v1/admin')
export class ObservabilityAdminController {
  private readonly logger = new Logger(ObservabilityAdminController.name);

  constructor(private readonly state: ObservabilityState) {}

  @Put('log-level')
  @ApiOperation({ summary: 'Change the log level at runtime (applies to requests that start afterwards)' })
  logLevel(@Body() body: LogLevelDto): ObservabilitySnapshot {
    const previous = this.state.snapshot().log_level;
    this.state.setLogLevel(body.level);
    // Logged at warn so the change is visible even when the new level hides info lines.
    this.logger.warn({ msg: `log level ${previous} → ${body.level}`, category: 'application', event: 'log_level_changed', from: previous, to: body.level });
    return this.state.snapshot();
  }

  @Put('observability')
  @ApiOperation({ summary: 'Switch metrics and tracing on or off at runtime (emergency disable)' })
  @ApiConflictResponse({ description: 'Tracing was not started at boot, so it cannot be switched on' })
  observability(@Body() body: ObservabilitySwitchDto): ObservabilitySnapshot {
    const snapshot = this.state.switch(body);
    this.logger.warn({ msg: `observability switched: metrics ${snapshot.metrics ? 'on' : 'off'}, tracing ${snapshot.tracing ? 'on' : 'off'}`, category: 'application', event: 'observability_switched', metrics: snapshot.metrics, tracing: snapshot.tracing });
    return snapshot;
  }
}
