"""Server-rendered public pages (Jinja2): the checkout page /f/{slug} and the order status page."""
