from __future__ import annotations

from dataclasses import dataclass, field

from shop.inventory import Inventory, Item

VAT_RATE = 0.2


@dataclass
class Order:
    lines: list[tuple[Item, int]] = field(default_factory=list)

    def add_line(self, inventory: Inventory, sku: str, quantity: int) -> None:
        item = inventory.take(sku, quantity)
        self.lines.append((item, quantity))


def order_total(order: Order, discount_cents: int = 0) -> int:
    """Total in cents, VAT included, never below zero."""
    net = sum(item.price_cents * quantity for item, quantity in order.lines)
    gross = round(net * (1 + VAT_RATE))
    return max(gross - discount_cents, 0)
