/** A number with its sign always shown, to three decimals by default: +0.042, -0.013. */
export const signed = (x: number, digits = 3): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
