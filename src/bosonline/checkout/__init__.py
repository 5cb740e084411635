"""The buyer side: public form, rates, vouchers, checkout, abandoned checkouts, the order status page."""
