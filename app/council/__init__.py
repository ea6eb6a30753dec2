"""The council: bodies set up by decree (Dewan, Tim Pelaksana, Forum), their members, meetings with
attendance and minutes, and decisions that become action items on programs."""


def init_app(app) -> None:
    """The council registers its pages, API, jobs and commands here."""
