/**
 * @stack/sim: an in-memory network for tests, demos and benchmarks. Cables and learning switches
 * whose devices are `LinkDriver`s, seeded per-direction impairment, and pcap capture.
 * @packageDocumentation
 */
export { SimNetwork, type SimNetworkOptions, type LinkPairOptions } from './sim-network.js';
export type { SimEndpoint } from './sim-endpoint.js';
export type { SimSwitch, SwitchOptions, SwitchPortOptions } from './sim-switch.js';
export type { MacTableEntry, SwitchStats } from './mac-table.js';
export type { Impairment, ImpairmentStats } from './impairment.js';
export type { ZeroDelayDelivery } from './frame-scheduler.js';
export type { FrameDirection, FrameObserver, FrameTap } from './frame-observer.js';
export { SeededRandom } from './seeded-random.js';
export { PcapWriter, type PcapSink, type PcapWriterOptions, type PcapTapOptions } from './pcap-writer.js';
export { PcapReader, readPcap, type PcapHeader, type PcapRecord, type PcapReadResult } from './pcap-reader.js';
export { LINKTYPE_ETHERNET } from './pcap-format.js';
export { MemorySink } from './memory-sink.js';
export { ptpLinkModule, PTP_HEADER_LENGTH } from './ptp-link.js';
export { RawDriver, type RawDriverOptions } from './raw-driver.js';
export { PtpDriver, type PtpDriverOptions } from './ptp-driver.js';
export { hexBytes } from './hex-bytes.js';
