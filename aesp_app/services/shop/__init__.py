"""The shop: cart, checkout, payments (VNPay IPN, bank transfer confirmed by an admin) and
fulfilment. Business rules only: no `import reflex`; every function takes the Session.
Rules as implemented: docs/shop.md."""
