/** Undoes a registration. Calling it twice is harmless. @public */
export type Disposer = () => void;
