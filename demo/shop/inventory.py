from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    price_cents: int


@dataclass
class Inventory:
    stock: dict[str, int] = field(default_factory=dict)
    catalogue: dict[str, Item] = field(default_factory=dict)

    def add(self, item: Item, quantity: int) -> None:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self.catalogue[item.sku] = item
        self.stock[item.sku] = self.stock.get(item.sku, 0) + quantity

    def take(self, sku: str, quantity: int) -> Item:
        available = self.stock.get(sku, 0)
        if quantity > available:
            raise LookupError(f"only {available} of {sku} left")
        self.stock[sku] = available - quantity
        return self.catalogue[sku]
