/** A ~1.2 KB MES batch-completion event as JSON text, with the given (or a random) event id. */
export function eventBody(id?: string): string;
export const eventBytes: number;
export function hasSinkAnswer(text: string): boolean;
