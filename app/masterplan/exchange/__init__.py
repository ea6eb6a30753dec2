"""A masterplan in and out of the platform: the Excel workbook (template, export, import) and the official
PDF document a city hands in.

- ``shape``: the workbook's sheets and columns, the same for the empty template, an export and an import.
- ``workbook``: writing the workbook (empty template, or a whole masterplan).
- ``reading``, ``cells``, ``importer``, ``writing``: a filled-in workbook read, every row checked, then
  all of it written in one transaction (or nothing, and the report of problems).
- ``document``: the official document (HTML template rendered to PDF by WeasyPrint).
- ``services``: starting those as background jobs; ``jobs`` registers the job kinds.

Everything reads a whole masterplan with ``content.load_content``: one query per table, whatever its size.
"""


def init_app(app) -> None:
    """Register the job kinds, the pages (on the masterplan blueprint, so before it is registered) and the
    API; the job page of an import lists its problems through ``masterplan_import_problems``."""
    from app.core.api import register_api
    from app.masterplan import jobs  # noqa: F401 - registers the job kinds
    from app.masterplan.exchange import api
    from app.masterplan.views import exchange  # noqa: F401 - routes on the masterplan pages' blueprint

    register_api(app, *api.blueprints)
    app.jinja_env.globals["masterplan_import_problems"] = import_problems


def import_problems(stored_file, limit: int = 200) -> dict:
    """The first problems of an import's report (a stored result file) and how many there are."""
    from app.files.services import content_path
    from app.masterplan.exchange.reading import read_report

    problems, total = read_report(content_path(stored_file), limit)
    return {"problems": problems, "total": total}
