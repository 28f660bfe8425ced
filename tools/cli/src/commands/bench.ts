export async function bench(_args: string[]): Promise<void> { throw new Error("bench: not yet"); }
