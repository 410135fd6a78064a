import { LinkLayerService, type StackModule } from '@stack/core';
import { EthernetLinkLayer } from './ethernet-link-layer.js';
import { type EtherOptions, resolveEtherOptions } from './ether-options.js';

/**
 * The Ethernet link layer as a module named `'ether'`: provides the `LinkLayerService` variant
 * `'ethernet'` and declares the `ether.pre-input` and `ether.output` hook points.
 * Invalid options throw here, naming the field.
 *
 * @example
 * ```ts
 * const stack = createStack();
 * stack.load(etherModule());
 * ```
 * @public
 */
export function etherModule(options: EtherOptions = {}): StackModule {
  const config = resolveEtherOptions(options);
  return {
    name: 'ether',
    attach(ctx) {
      ctx.provide(LinkLayerService, new EthernetLinkLayer(ctx, config), 'ethernet');
    },
  };
}
