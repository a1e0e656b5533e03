import { Body, Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FalsePositiveAnalytics } from './feedback-ledger';
import { FeedbackDto } from './feedback.dto';
import { FeedbackReceipt, FeedbackService, UnknownAnomalyError } from './feedback.service';

@ApiTags('feedback')
@Controller('api/v1')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post('feedback')
  @HttpCode(200)
  @ApiOperation({ summary: 'Label an anomaly as a true or false positive' })
  @ApiNotFoundResponse({ description: 'No anomaly with that id' })
  async submit(@Body() body: FeedbackDto): Promise<FeedbackReceipt> {
    try {
      return await this.feedback.submit(body.anomaly_id, body.label, body.notes);
    } catch (error) {
      if (error instanceof UnknownAnomalyError) throw new NotFoundException(error.message);
      throw error;
    }
  }

  @Get('analytics/false_positives')
  @ApiOperation({ summary: 'False-positive figures from operator feedback, and the channels whose alert bar it raised' })
  analytics(): FalsePositiveAnalytics {
    return this.feedback.analytics();
  }
}
