"""The exports and the import read a whole masterplan in a fixed number of queries, whatever its size."""

from flask_babel import force_locale

from app.core.auth import SYSTEM
from app.extensions import db
from app.masterplan.content import load_content
from app.masterplan.exchange import document
from app.masterplan.exchange.importer import ImportCheck
from app.masterplan.exchange.reading import read_workbook
from app.masterplan.exchange.workbook import build_workbook
from app.tenants import services as tenants
from tests.masterplan_exchange.conftest import count_queries, fill_masterplan


def test_exports_and_imports_take_as_many_queries_for_thirty_programs_as_for_three(app, city, tmp_path):
    bigger = city.new_draft("5.0")
    with city.inside():
        fill_masterplan(bigger, city.actor, programs_count=30)
        db.session.commit()

    def export(masterplan_id) -> tuple[int, bytes]:
        with count_queries(app) as statements, city.inside(), force_locale("id"):
            content = load_content(masterplan_id, actor=SYSTEM)
            tenant = tenants.get_tenant(city.tenant_id, actor=SYSTEM)
            data = build_workbook(content.masterplan, content.refs, tenant.name, content)
            document.render_html(document.build_document(content, tenant))
        return len(statements), data

    small_count, small = export(city.masterplan_id)
    big_count, big = export(bigger)
    assert small_count == big_count

    def import_into(data: bytes, label: str) -> int:
        path = tmp_path / f"{label}.xlsx"
        path.write_bytes(data)
        draft = city.new_draft(label)
        with count_queries(app) as statements, city.inside(), force_locale("id"):
            sheets, problems, language = read_workbook(path)
            check = ImportCheck(load_content(draft, actor=SYSTEM), sheets, problems, language)
            assert check.check(), check.problems
            check.write()
            db.session.commit()
        return len(statements)

    assert import_into(small, "6.0") == import_into(big, "6.1")
