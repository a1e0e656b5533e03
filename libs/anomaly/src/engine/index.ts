export * from './detector';
export { ChannelDetector, type ChannelDetectorOptions, type ChannelDetectorState, type ChannelEvidence, type ChannelScore } from './channel-detector';
export { DEFAULT_CHANNEL_KINDS, classifyChannel, limitScore, type ChannelKind } from './channel-kinds';
export { crossChannelFindings, type ChannelReading, type CrossChannelFinding } from './cross-channel';
export { DEFAULT_ALERT_THRESHOLD, DEFAULT_CHANNEL_OPTIONS, DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './options';
export { ENGINE_SNAPSHOT_VERSION, LINK_CHANNEL, StreamingAnomalyEngine } from './streaming-engine';
