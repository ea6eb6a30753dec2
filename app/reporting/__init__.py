"""Progress reporting: reporting periods, each program's progress report from its OPD, verification by
the secretariat, the roll-up to the city and published snapshots."""


def init_app(app) -> None:
    """Progress reporting registers its pages, API, jobs and commands here."""
