"""Reference data shared by every tenant: frameworks, code lists, regions and evaluation instruments,
each versioned (draft, published, retired)."""


def init_app(app) -> None:
    """Reference data registers its pages, API and commands here."""
