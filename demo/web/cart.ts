export interface CartLine {
  sku: string;
  quantity: number;
  priceCents: number;
}

export function formatCents(cents: number): string {
  return `€${(cents / 100).toFixed(2)}`;
}

export function cartTotal(lines: CartLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.priceCents, 0);
}
