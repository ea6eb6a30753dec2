"""Smart city masterplans: frameworks, versions, analysis, goals, strategies, programs, budgets."""


def init_app(app) -> None:
    pass
