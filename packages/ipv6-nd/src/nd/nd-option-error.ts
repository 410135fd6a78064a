/** A rejected neighbour discovery option; `field` names it (`dadTransmits`, `interfaces.em0.slaac`). @public */
export class NdOptionError extends RangeError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`neighbour discovery: ${field} ${message}`);
    this.name = 'NdOptionError';
    this.field = field;
  }
}
