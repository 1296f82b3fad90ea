"""A tiny inventory and ordering module."""

from shop.inventory import Inventory, Item
from shop.orders import Order, order_total

__all__ = ["Inventory", "Item", "Order", "order_total"]
