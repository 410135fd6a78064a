import type { Stack, TimerGroup } from '@stack/core';
import type { NdHost } from '../../nd-seam.js';
import type { NdConfig } from '../nd-options.js';
import type { DisabledInterfaces } from './disabled-interfaces.js';
import type { InterfaceSettings } from './interface-settings.js';
import type { LinkParameterTable } from './link-parameters.js';
import type { NdCounters } from './nd-counters.js';
import type { NdEventEmitter } from './nd-event-emitter.js';
import type { NdSender } from './nd-sender.js';

/** What every part of ND shares for one stack. @internal */
export interface NdRuntime {
  readonly host: NdHost;
  readonly stack: Stack;
  /** Stack-wide options; the per-interface fields here are only defaults: read {@link NdRuntime.settings}. */
  readonly config: NdConfig;
  /** The effective per-interface settings. */
  readonly settings: InterfaceSettings;
  /** Interfaces where IPv6 is disabled (RFC 4862 §5.4.5). */
  readonly disabled: DisabledInterfaces;
  readonly counters: NdCounters;
  readonly sender: NdSender;
  readonly params: LinkParameterTable;
  readonly timers: TimerGroup;
  readonly events: NdEventEmitter;
}

/** Whether ND runs on `ifp`: it has a link-layer address (Ethernet and the like) and is not loopback. @internal */
export function runsNd(ifp: { readonly hardwareAddress: Uint8Array | null; readonly type: string }): boolean {
  return ifp.hardwareAddress !== null && ifp.hardwareAddress.length > 0 && ifp.type !== 'loopback';
}
