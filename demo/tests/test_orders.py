from shop import Inventory, Item, Order, order_total


def test_total_includes_vat() -> None:
    inventory = Inventory()
    inventory.add(Item("tea", "Green tea", 500), 3)
    order = Order()
    order.add_line(inventory, "tea", 2)
    assert order_total(order) == 1200
