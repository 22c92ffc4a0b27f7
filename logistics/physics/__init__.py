"""The physical models: travel between sites and the cooling of a ladle."""
